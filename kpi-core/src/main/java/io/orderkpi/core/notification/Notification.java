package io.orderkpi.core.notification;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.order.Money;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored notification (SPEC §7): the history keeps every one, with the outcome of its latest
 * delivery attempt. Immutable: each attempt yields a new value from the record store.
 *
 * @param id           assigned by the store, positive and increasing in creation order
 * @param orderId      the order it is about (a refund notification names the refund's order);
 *                     never absent, since every event that notifies belongs to an order
 * @param refundId     the refund it is about; {@code null} for order notifications
 * @param orderStatus  the order's status (wire name) when the notification was created
 * @param totalAmount  the order's total
 * @param channel      the notifier channel that sends it: {@code log}, {@code email}, ...
 * @param message      the message body as rendered when the notification was created
 * @param errorMessage the error of the latest failed attempt; {@code null} until an attempt fails,
 *                     and kept after a later success to show why it needed a retry
 * @param attempts     delivery attempts made so far
 * @param sentAt       when an attempt succeeded; {@code null} unless {@code SENT}
 */
public record Notification(long id, long orderId, @Nullable String refundId, String customerId, String orderStatus,
        Money totalAmount, NotificationType type, String channel, NotificationState state, String message,
        @Nullable String errorMessage, int attempts, @Nullable Instant sentAt, Instant createdAt,
        Instant updatedAt) {

    public Notification {
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(orderStatus, "orderStatus");
        Objects.requireNonNull(totalAmount, "totalAmount");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be >= 0: " + attempts);
        }
    }

    /** The stored form of a new notification: pending, no attempt yet. */
    public static Notification create(long id, NewNotification n, Instant now) {
        return new Notification(id, n.orderId(), n.refundId(), n.customerId(), n.orderStatus(), n.totalAmount(),
                n.type(), n.channel(), NotificationState.PENDING, n.message(), null, 0, null, now, now);
    }

    /**
     * This notification after one more delivery attempt, as every store records it: a success
     * makes it {@code SENT} at {@code at}; a failure makes it {@code FAILED} with {@code error}.
     * {@code SENT} is final: a later attempt (a job delivered twice) is counted but changes
     * neither the state nor {@code sentAt}.
     *
     * @param error why the attempt failed; required when {@code sent} is false, else {@code null}
     */
    public Notification withAttempt(boolean sent, @Nullable String error, Instant at) {
        Objects.requireNonNull(at, "at");
        if (sent == (error != null)) {
            throw new IllegalArgumentException(sent ? "a successful attempt has no error"
                    : "a failed attempt needs its error");
        }
        int counted = Math.addExact(attempts, 1);
        if (state == NotificationState.SENT) {
            return new Notification(id, orderId, refundId, customerId, orderStatus, totalAmount, type, channel, state,
                    message, errorMessage, counted, sentAt, createdAt, at);
        }
        return sent
                ? new Notification(id, orderId, refundId, customerId, orderStatus, totalAmount, type, channel,
                        NotificationState.SENT, message, errorMessage, counted, at, createdAt, at)
                : new Notification(id, orderId, refundId, customerId, orderStatus, totalAmount, type, channel,
                        NotificationState.FAILED, message, error, counted, null, createdAt, at);
    }
}
