package io.orderkpi.core.order;

import io.orderkpi.core.lang.Nullable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored order (SPEC §2). Immutable: a status change yields a new value from the record
 * store. Timestamps of steps not reached yet are {@code null}.
 *
 * @param items the order's lines; empty only in list views that leave them out
 */
public record Order(long id, String orderNumber, String customerId, String customerName, String customerEmail,
        OrderStatus status, Money totalAmount, String currency, List<OrderItem> items, Instant placedAt,
        @Nullable Instant reservedAt, @Nullable Instant paidAt, @Nullable Instant failedAt,
        @Nullable String failureReason, @Nullable String paymentReference, Instant createdAt, Instant updatedAt) {

    public Order {
        Objects.requireNonNull(orderNumber, "orderNumber");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(totalAmount, "totalAmount");
        Objects.requireNonNull(placedAt, "placedAt");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        items = List.copyOf(items);
    }

    /** The stored form of a new order. */
    public static Order create(long id, NewOrder order, Instant now) {
        return new Order(id, order.orderNumber(), order.customerId(), order.customerName(), order.customerEmail(),
                order.status(), order.totalAmount(), order.currency(), order.items(), order.placedAt(),
                null, null, null, null, null, now, now);
    }

    /** This order after a status change, with the given field changes applied. */
    public Order withTransition(OrderStatus to, OrderChanges changes, Instant now) {
        return new Order(id, orderNumber, customerId, customerName, customerEmail, to, totalAmount, currency, items,
                placedAt,
                changes.reservedAt() != null ? changes.reservedAt() : reservedAt,
                changes.paidAt() != null ? changes.paidAt() : paidAt,
                changes.failedAt() != null ? changes.failedAt() : failedAt,
                changes.failureReason() != null ? changes.failureReason() : failureReason,
                changes.paymentReference() != null ? changes.paymentReference() : paymentReference,
                createdAt, now);
    }

    /** The same order without its items, as list views show it. */
    public Order withoutItems() {
        return items.isEmpty() ? this : new Order(id, orderNumber, customerId, customerName, customerEmail, status,
                totalAmount, currency, List.of(), placedAt, reservedAt, paidAt, failedAt, failureReason,
                paymentReference, createdAt, updatedAt);
    }
}
