package io.orderkpi.core.notification;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.order.Money;
import java.util.Objects;

/**
 * A notification about to be stored, before the record store gives it an id, its state
 * ({@code pending}) and timestamps.
 *
 * @param orderId     the order it is about; every notification is about an order, a refund's
 *                    included, so this is always a real order id
 * @param refundId    the refund it is about, or {@code null} for an order notification; when set,
 *                    it replaces the order in the notification's unique key
 * @param orderStatus the order's status (wire name) when the notification was created
 * @param totalAmount the order's total
 * @param channel     the {@link io.orderkpi.core.spi.Notifier#channel()} that sends it
 * @param message     the rendered message body, as the customer reads it
 */
public record NewNotification(long orderId, @Nullable String refundId, String customerId, String orderStatus,
        Money totalAmount, NotificationType type, String channel, String message) {

    public NewNotification {
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(orderStatus, "orderStatus");
        Objects.requireNonNull(totalAmount, "totalAmount");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(message, "message");
        if (orderId < 1) {
            throw new IllegalArgumentException("orderId must be a stored order's id: " + orderId);
        }
        if (refundId != null && refundId.isBlank()) {
            throw new IllegalArgumentException("refundId must be null or not blank");
        }
        if (channel.isBlank()) {
            throw new IllegalArgumentException("channel must not be blank");
        }
    }

    /**
     * What makes a notification unique (SPEC §7: one per order or refund, type and channel):
     * {@code type:channel:refund:<refund_id>} for a refund, else {@code type:channel:order:<order_id>}.
     * Stores may keep it as a unique column.
     */
    public String uniqueKey() {
        String subject = refundId != null ? "refund:" + refundId : "order:" + orderId;
        return type.wireName() + ':' + channel + ':' + subject;
    }
}
