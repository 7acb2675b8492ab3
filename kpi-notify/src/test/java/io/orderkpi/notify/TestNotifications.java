package io.orderkpi.notify;

import io.orderkpi.core.notification.NewNotification;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationMessage;
import io.orderkpi.core.notification.NotificationTemplates;
import io.orderkpi.core.notification.NotificationType;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.time.Instant;
import java.util.List;

/** Notifications as kpi-core stores and renders them, for sending straight through a notifier. */
final class TestNotifications {

    static final Instant CREATED = Instant.parse("2026-11-30T09:15:00.123Z");
    static final Money TOTAL = Money.parse("129.50");

    /** A stored notification with the message the notification service would hand a notifier. */
    record Sample(Notification notification, NotificationMessage message) {
    }

    private TestNotifications() {
    }

    static Order order(String number, String name, String email) {
        return new Order(42, number, "cust-1", name, email, OrderStatus.COMPLETED, TOTAL, "EUR",
                List.of(new OrderItem("P-1", "Product P-1", "SKU-P-1", 1, TOTAL)), CREATED, null, null, null, null,
                null, CREATED, CREATED);
    }

    static Sample completed(long id, Order order) {
        return sample(id, order, null, NotificationType.ORDER_COMPLETED, NotificationTemplates.orderCompleted(order));
    }

    static Sample failed(long id, Order order, String reason) {
        return sample(id, order, null, NotificationType.ORDER_FAILED, NotificationTemplates.orderFailed(order, reason));
    }

    static Sample refunded(long id, Order order, String refundId, Money amount) {
        return sample(id, order, refundId, NotificationType.REFUND_PROCESSED,
                NotificationTemplates.refundProcessed(order, refundId, amount));
    }

    private static Sample sample(long id, Order order, String refundId, NotificationType type,
            NotificationMessage message) {
        NewNotification stored = new NewNotification(order.id(), refundId, order.customerId(),
                order.status().wireName(), order.totalAmount(), type, EmailNotifier.CHANNEL, message.body());
        return new Sample(Notification.create(id, stored, CREATED), message);
    }
}
