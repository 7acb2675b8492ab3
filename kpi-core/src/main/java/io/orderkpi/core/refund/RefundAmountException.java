package io.orderkpi.core.refund;

import io.orderkpi.core.lang.OrderKpiException;
import io.orderkpi.core.order.Money;

/**
 * A refund amount that cannot be refunded (SPEC §6; HTTP 400): missing, not a two-decimal number,
 * not above zero, or more than the order still has refundable. Nothing was stored. The message
 * says how much is refundable where that is known.
 */
public final class RefundAmountException extends OrderKpiException {

    private final long orderId;

    private RefundAmountException(long orderId, String message, Throwable cause) {
        super(message, cause);
        this.orderId = orderId;
    }

    private RefundAmountException(long orderId, String message) {
        super(message);
        this.orderId = orderId;
    }

    /** A partial refund without an amount. */
    public static RefundAmountException missing(long orderId) {
        return new RefundAmountException(orderId, "A partial refund of order " + orderId + " needs an amount");
    }

    /** An amount text that is not a decimal number with at most two decimals. */
    public static RefundAmountException malformed(long orderId, String text, Throwable cause) {
        return new RefundAmountException(orderId, "Refund amount '" + text + "' of order " + orderId
                + " is not a decimal number with at most 2 decimals", cause);
    }

    /** An amount of zero or less. */
    public static RefundAmountException notPositive(long orderId, Money amount) {
        return new RefundAmountException(orderId, "Refund amount " + amount + " of order " + orderId
                + " must be greater than 0.00");
    }

    /** An amount above what is still refundable. */
    public static RefundAmountException exceedsRefundable(long orderId, Money amount, Money refundable) {
        return new RefundAmountException(orderId, "Refund amount " + amount + " exceeds the refundable "
                + refundable + " of order " + orderId);
    }

    /** A full refund stating an amount that is not what remains to be refunded. */
    public static RefundAmountException fullIsNotRemainder(long orderId, Money stated, Money refundable) {
        return new RefundAmountException(orderId, "amount: a full refund refunds what remains of order " + orderId
                + ", " + refundable + ", not " + stated + "; leave amount out, or ask a partial refund");
    }

    /** A full refund of an order whose refunds already take its whole total. */
    public static RefundAmountException nothingRefundable(long orderId) {
        return new RefundAmountException(orderId, "Nothing is left to refund of order " + orderId
                + ": the refundable amount is 0.00 (pending and processing refunds count against it)");
    }

    public long orderId() {
        return orderId;
    }
}
