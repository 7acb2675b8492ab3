package io.orderkpi.testkit;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.notification.NewNotification;
import io.orderkpi.core.notification.NotificationType;
import io.orderkpi.core.order.Order;

/**
 * Test data for notifications: {@code aNotification(order).build()} for an
 * {@code order_completed} notification on the {@code log} channel, or
 * {@code aNotification(order).forRefund("R-1").onChannel("email").build()} to change what a test
 * is about. Builders are immutable: a wither returns a new builder.
 */
public final class TestNotifications {

    private TestNotifications() {
    }

    /** A builder for an {@code order_completed} notification of this stored order, on {@code log}. */
    public static Builder aNotification(Order order) {
        return new Builder(new NewNotification(order.id(), null, order.customerId(), "completed", order.totalAmount(),
                NotificationType.ORDER_COMPLETED, "log", "Your order #" + order.orderNumber() + " is confirmed."));
    }

    /** Withers over a {@link NewNotification}. */
    public static final class Builder {

        private final NewNotification n;

        private Builder(NewNotification n) {
            this.n = n;
        }

        /** A {@code refund_processed} notification of this refund. */
        public Builder forRefund(String refundId) {
            return withRefundId(refundId).ofType(NotificationType.REFUND_PROCESSED).withOrderStatus("refunded");
        }

        public Builder withRefundId(@Nullable String value) {
            return new Builder(new NewNotification(n.orderId(), value, n.customerId(), n.orderStatus(), n.totalAmount(),
                    n.type(), n.channel(), n.message()));
        }

        public Builder ofType(NotificationType value) {
            return new Builder(new NewNotification(n.orderId(), n.refundId(), n.customerId(), n.orderStatus(),
                    n.totalAmount(), value, n.channel(), n.message()));
        }

        public Builder onChannel(String value) {
            return new Builder(new NewNotification(n.orderId(), n.refundId(), n.customerId(), n.orderStatus(),
                    n.totalAmount(), n.type(), value, n.message()));
        }

        public Builder withOrderStatus(String value) {
            return new Builder(new NewNotification(n.orderId(), n.refundId(), n.customerId(), value, n.totalAmount(),
                    n.type(), n.channel(), n.message()));
        }

        public Builder withMessage(String value) {
            return new Builder(new NewNotification(n.orderId(), n.refundId(), n.customerId(), n.orderStatus(),
                    n.totalAmount(), n.type(), n.channel(), value));
        }

        public NewNotification build() {
            return n;
        }
    }
}
