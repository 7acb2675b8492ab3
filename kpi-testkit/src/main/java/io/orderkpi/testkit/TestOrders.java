package io.orderkpi.testkit;

import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test data for orders: {@code aNewOrder("A-1")} for a valid order with sensible defaults, or
 * {@code anOrder().withCustomerId("c-7").withStatus(COMPLETED).build()} to change what a test is
 * about. Builders are immutable: a wither returns a new builder, so one can serve as a template.
 */
public final class TestOrders {

    /** {@code placed_at} of every order unless a test sets its own. */
    public static final Instant PLACED_AT = Instant.parse("2025-11-16T10:15:30Z");

    private static final AtomicLong NEXT_NUMBER = new AtomicLong();

    private TestOrders() {
    }

    /** A builder for a pending order with a fresh order number, one item and a total of 20.00 USD. */
    public static Builder anOrder() {
        return anOrder(uniqueOrderNumber());
    }

    /** A builder for a pending order with this number, one item and a total of 20.00 USD. */
    public static Builder anOrder(String orderNumber) {
        return new Builder(new NewOrder(orderNumber, "cust-1", "Ada Lovelace", "ada@example.com", OrderStatus.PENDING,
                Money.parse("20.00"), "USD", List.of(anItem("P-1", 2, "10.00")), PLACED_AT));
    }

    /** The default order with this number. */
    public static NewOrder aNewOrder(String orderNumber) {
        return anOrder(orderNumber).build();
    }

    /** An order number no other call of this JVM returns. */
    public static String uniqueOrderNumber() {
        return "T-" + NEXT_NUMBER.incrementAndGet();
    }

    /** An item with a name and SKU derived from the product id. */
    public static OrderItem anItem(String productId, int quantity, String unitPrice) {
        return new OrderItem(productId, "Product " + productId, "SKU-" + productId, quantity, Money.parse(unitPrice));
    }

    /** Withers over a {@link NewOrder}. */
    public static final class Builder {

        private final NewOrder order;

        private Builder(NewOrder order) {
            this.order = order;
        }

        public Builder withOrderNumber(String value) {
            return new Builder(new NewOrder(value, order.customerId(), order.customerName(), order.customerEmail(),
                    order.status(), order.totalAmount(), order.currency(), order.items(), order.placedAt()));
        }

        public Builder withCustomerId(String value) {
            return new Builder(new NewOrder(order.orderNumber(), value, order.customerName(), order.customerEmail(),
                    order.status(), order.totalAmount(), order.currency(), order.items(), order.placedAt()));
        }

        public Builder withCustomer(String id, String name, String email) {
            return new Builder(new NewOrder(order.orderNumber(), id, name, email, order.status(), order.totalAmount(),
                    order.currency(), order.items(), order.placedAt()));
        }

        public Builder withStatus(OrderStatus value) {
            return new Builder(new NewOrder(order.orderNumber(), order.customerId(), order.customerName(),
                    order.customerEmail(), value, order.totalAmount(), order.currency(), order.items(),
                    order.placedAt()));
        }

        /** The total as decimal text, such as {@code "129.50"}. */
        public Builder withTotal(String amount) {
            return new Builder(new NewOrder(order.orderNumber(), order.customerId(), order.customerName(),
                    order.customerEmail(), order.status(), Money.parse(amount), order.currency(), order.items(),
                    order.placedAt()));
        }

        /** These items, and a total that is their sum. */
        public Builder withItems(OrderItem... items) {
            Money total = Money.ZERO;
            for (OrderItem item : items) {
                total = total.plus(item.totalPrice());
            }
            return new Builder(new NewOrder(order.orderNumber(), order.customerId(), order.customerName(),
                    order.customerEmail(), order.status(), total, order.currency(), List.of(items), order.placedAt()));
        }

        public Builder withPlacedAt(Instant value) {
            return new Builder(new NewOrder(order.orderNumber(), order.customerId(), order.customerName(),
                    order.customerEmail(), order.status(), order.totalAmount(), order.currency(), order.items(), value));
        }

        public NewOrder build() {
            return order;
        }
    }
}
