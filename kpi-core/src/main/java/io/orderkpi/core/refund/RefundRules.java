package io.orderkpi.core.refund;

import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderStatus;

/**
 * The rules of SPEC §6 that every record store applies inside its atomic refund steps, kept here
 * so that the memory and database stores cannot drift apart. Stateless and thread-safe.
 */
public final class RefundRules {

    private RefundRules() {
    }

    /**
     * @throws OrderNotRefundableException unless the order is {@code completed} or
     *                                     {@code partially_refunded}
     */
    public static void checkRefundable(Order order) {
        if (order.status() != OrderStatus.COMPLETED && order.status() != OrderStatus.PARTIALLY_REFUNDED) {
            throw new OrderNotRefundableException(order.id(), order.status());
        }
    }

    /**
     * The amount {@code request} refunds when {@code refundable} is left: all of it for a full
     * refund, the requested amount for a partial one.
     *
     * @param refundable the order's total minus its refunds that {@link RefundStatus#countsAgainstRefundable
     *                   count against it}
     * @throws RefundAmountException when a partial amount is not above zero or above
     *                               {@code refundable}, or nothing is left for a full refund
     */
    public static Money amountFor(RefundRequest request, Money refundable) {
        if (request.type() == RefundType.FULL) {
            if (!refundable.isPositive()) {
                throw RefundAmountException.nothingRefundable(request.orderId());
            }
            Money stated = request.amount();
            if (stated != null && !stated.equals(refundable)) {
                throw RefundAmountException.fullIsNotRemainder(request.orderId(), stated, refundable);
            }
            return refundable;
        }
        Money amount = request.amount();
        if (amount == null) {
            // Unreachable (RefundRequest refuses a partial refund without an amount); keeps nullness explicit.
            throw RefundAmountException.missing(request.orderId());
        }
        if (!amount.isPositive()) {
            throw RefundAmountException.notPositive(request.orderId(), amount);
        }
        if (amount.compareTo(refundable) > 0) {
            throw RefundAmountException.exceedsRefundable(request.orderId(), amount, refundable);
        }
        return amount;
    }

    /**
     * The order's status once a refund completes: {@code refunded} when its completed refunds
     * (including that one) add up to its total, else {@code partially_refunded}.
     *
     * @param completedRefunds the sum of the order's completed refunds, including the one completing
     * @throws io.orderkpi.core.order.IllegalTransitionException when the order's status cannot move
     *         there (it was refunded already)
     * @throws IllegalStateException when the completed refunds exceed the total, which
     *                               {@link #amountFor} prevents
     */
    public static OrderStatus statusAfterRefund(Order order, Money completedRefunds) {
        int compared = completedRefunds.compareTo(order.totalAmount());
        if (compared > 0) {
            throw new IllegalStateException("Completed refunds " + completedRefunds + " of order " + order.id()
                    + " would exceed its total " + order.totalAmount());
        }
        OrderStatus next = compared == 0 ? OrderStatus.REFUNDED : OrderStatus.PARTIALLY_REFUNDED;
        order.status().checkTransition(next);
        return next;
    }
}
