package io.orderkpi.core.refund;

import io.orderkpi.core.lang.OrderKpiException;
import io.orderkpi.core.order.OrderStatus;

/**
 * A refund of an order that is not {@code completed} or {@code partially_refunded} (SPEC §6; HTTP
 * 409). Nothing was stored.
 */
public final class OrderNotRefundableException extends OrderKpiException {

    private final long orderId;
    private final OrderStatus status;

    public OrderNotRefundableException(long orderId, OrderStatus status) {
        super("Order " + orderId + " cannot be refunded: its status is " + status.wireName()
                + ", and only completed or partially_refunded orders can be");
        this.orderId = orderId;
        this.status = status;
    }

    public long orderId() {
        return orderId;
    }

    /** The order's status when the refund was refused. */
    public OrderStatus status() {
        return status;
    }
}
