package io.orderkpi.core.refund;

import io.orderkpi.core.lang.OrderKpiException;

/**
 * A refund_id that already names a refund of another order, type or amount (SPEC §6; HTTP 409).
 * Nothing was stored; a new refund needs a new refund_id.
 */
public final class RefundConflictException extends OrderKpiException {

    private final String refundId;

    public RefundConflictException(Refund existing, RefundRequest request) {
        super("Refund " + existing.refundId() + " already exists as a " + describe(existing.type(),
                existing.amount().toString()) + " refund of order " + existing.orderId() + "; this request is a "
                + describe(request.type(), String.valueOf(request.amount())) + " refund of order "
                + request.orderId() + ". Use a new refund_id for a new refund");
        this.refundId = existing.refundId();
    }

    private static String describe(RefundType type, String amount) {
        return type == RefundType.FULL ? "full" : "partial " + amount;
    }

    public String refundId() {
        return refundId;
    }
}
