package io.orderkpi.core.notification;

import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import java.util.Objects;

/**
 * The texts customers receive, in one place (SPEC §7, after the seed's e-mails). Subjects:
 * {@code Order #A-1 Confirmed}, {@code Order #A-1 Failed}, {@code Refund for Order #A-1 Processed}.
 * Amounts have two decimals and the order's currency code ({@code 129.50 USD}). Stateless and
 * thread-safe.
 */
public final class NotificationTemplates {

    private NotificationTemplates() {
    }

    /**
     * The subject of a notification of this type. Depends only on the type and the order number,
     * so a sender can render it again from the stored notification.
     */
    public static String subject(NotificationType type, String orderNumber) {
        Objects.requireNonNull(orderNumber, "orderNumber");
        return switch (Objects.requireNonNull(type, "type")) {
            case ORDER_COMPLETED -> "Order #" + orderNumber + " Confirmed";
            case ORDER_FAILED -> "Order #" + orderNumber + " Failed";
            case REFUND_PROCESSED -> "Refund for Order #" + orderNumber + " Processed";
        };
    }

    /** The message of a completed order. */
    public static NotificationMessage orderCompleted(Order order) {
        String body = greeting(order)
                + "Thank you for your order #" + order.orderNumber() + ". It has been confirmed and completed.\n"
                + "\n"
                + "Total: " + amount(order.totalAmount(), order.currency());
        return message(NotificationType.ORDER_COMPLETED, order, body);
    }

    /** The message of an order the workflow cancelled, with the reason it failed. */
    public static NotificationMessage orderFailed(Order order, String reason) {
        Objects.requireNonNull(reason, "reason");
        String body = greeting(order)
                + "Unfortunately, your order #" + order.orderNumber() + " could not be completed.\n"
                + "\n"
                + "Reason: " + reason + "\n"
                + "Total: " + amount(order.totalAmount(), order.currency());
        return message(NotificationType.ORDER_FAILED, order, body);
    }

    /** The message of a processed refund, with its amount and refund id. */
    public static NotificationMessage refundProcessed(Order order, String refundId, Money refundAmount) {
        Objects.requireNonNull(refundId, "refundId");
        Objects.requireNonNull(refundAmount, "refundAmount");
        String body = greeting(order)
                + "A refund of " + amount(refundAmount, order.currency()) + " for your order #"
                + order.orderNumber() + " has been processed.\n"
                + "\n"
                + "Refund ID: " + refundId;
        return message(NotificationType.REFUND_PROCESSED, order, body);
    }

    /** Two decimals and the currency code: {@code 15234.50 USD}. */
    public static String amount(Money amount, String currency) {
        return amount + " " + currency;
    }

    private static NotificationMessage message(NotificationType type, Order order, String body) {
        return new NotificationMessage(subject(type, order.orderNumber()), body, order.customerEmail().strip(),
                order.customerName().strip());
    }

    private static String greeting(Order order) {
        String name = order.customerName().strip();
        return (name.isEmpty() ? "Hello," : "Hello " + name + ",") + "\n\n";
    }
}
