package io.orderkpi.core.order;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The status of an order and the only legal transitions between statuses (SPEC §2). The table
 * lives here and nowhere else: every store checks {@link #checkTransition} before it writes.
 */
public enum OrderStatus {
    PENDING,
    RESERVING_STOCK,
    STOCK_RESERVED,
    PROCESSING_PAYMENT,
    PAYMENT_SUCCEEDED,
    PAYMENT_FAILED,
    STOCK_RESERVATION_FAILED,
    COMPLETED,
    CANCELLED,
    PARTIALLY_REFUNDED,
    REFUNDED;

    private static final Set<OrderStatus> FINAL = EnumSet.of(COMPLETED, CANCELLED, PARTIALLY_REFUNDED, REFUNDED);

    private Set<OrderStatus> next;

    static {
        PENDING.next = EnumSet.of(RESERVING_STOCK, CANCELLED);
        RESERVING_STOCK.next = EnumSet.of(STOCK_RESERVED, STOCK_RESERVATION_FAILED);
        STOCK_RESERVED.next = EnumSet.of(PROCESSING_PAYMENT, CANCELLED);
        PROCESSING_PAYMENT.next = EnumSet.of(PAYMENT_SUCCEEDED, PAYMENT_FAILED);
        PAYMENT_SUCCEEDED.next = EnumSet.of(COMPLETED);
        PAYMENT_FAILED.next = EnumSet.of(CANCELLED);
        STOCK_RESERVATION_FAILED.next = EnumSet.of(CANCELLED);
        COMPLETED.next = EnumSet.of(PARTIALLY_REFUNDED, REFUNDED);
        PARTIALLY_REFUNDED.next = EnumSet.of(PARTIALLY_REFUNDED, REFUNDED);
        CANCELLED.next = EnumSet.noneOf(OrderStatus.class);
        REFUNDED.next = EnumSet.noneOf(OrderStatus.class);
    }

    /**
     * Whether the workflow has started on an order in this status and is not done with it: every
     * status but {@code pending} and the final ones. An order left here by a crash or an outage is
     * resumed by the start-up sweep and listed as stuck once it is old enough.
     */
    public boolean isInProgress() {
        return this != PENDING && !isFinal();
    }

    /** Whether the workflow is done with an order in this status. */
    public boolean isFinal() {
        return FINAL.contains(this);
    }

    public boolean canTransitionTo(OrderStatus target) {
        return next.contains(target);
    }

    /** The statuses this one may move to, in declaration order. */
    public Set<OrderStatus> nextStatuses() {
        return next.isEmpty() ? EnumSet.noneOf(OrderStatus.class) : EnumSet.copyOf(next);
    }

    /**
     * @throws IllegalTransitionException when {@code target} is not a legal next status
     */
    public void checkTransition(OrderStatus target) {
        if (!canTransitionTo(target)) {
            throw new IllegalTransitionException(this, target);
        }
    }

    /** The name used in JSON, CSV and storage: {@code processing_payment}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@link #wireName()} (case ignored). */
    public static Optional<OrderStatus> fromWireName(String text) {
        String upper = text.strip().toUpperCase(Locale.ROOT);
        for (OrderStatus status : values()) {
            if (status.name().equals(upper)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
