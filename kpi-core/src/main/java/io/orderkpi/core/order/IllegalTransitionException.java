package io.orderkpi.core.order;

import io.orderkpi.core.lang.OrderKpiException;

/** A status change the transition table of {@link OrderStatus} does not allow. */
public final class IllegalTransitionException extends OrderKpiException {

    private final OrderStatus from;
    private final OrderStatus to;

    public IllegalTransitionException(OrderStatus from, OrderStatus to) {
        super("Illegal order status transition from " + from.wireName() + " to " + to.wireName());
        this.from = from;
        this.to = to;
    }

    public OrderStatus from() {
        return from;
    }

    public OrderStatus to() {
        return to;
    }
}
