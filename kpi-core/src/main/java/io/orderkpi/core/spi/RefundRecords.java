package io.orderkpi.core.spi;

import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.refund.OrderNotRefundableException;
import io.orderkpi.core.refund.Refund;
import io.orderkpi.core.refund.RefundAmountException;
import io.orderkpi.core.refund.RefundConflictException;
import io.orderkpi.core.refund.RefundOutcome;
import io.orderkpi.core.refund.RefundRequest;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The refunds view of a {@link RecordStore} (SPEC §6). Thread-safe: every method may be called
 * from any thread and each one is a single atomic, isolated step, also across server processes
 * sharing one database. The steps that change an order ({@link #begin} reads it, {@link #complete}
 * moves it and records events) are atomic with the order and the outbox, so no refund can be
 * counted twice or half-applied.
 *
 * <p>What counts against an order's refundable amount: every refund of it that is
 * {@code pending}, {@code processing} or {@code completed}; a {@code failed} one gives its amount
 * back.
 */
public interface RefundRecords {

    /**
     * Starts a refund in one atomic step. When {@code request.refundId()} exists, the existing
     * refund is returned with {@code created = false} if {@link RefundRequest#isAnsweredBy it
     * answers the request}, whatever its status or the order's, and nothing changes. Otherwise the
     * order must exist and be {@code completed} or {@code partially_refunded}; the refundable
     * amount is its total minus its refunds that are not failed; a full refund takes all of it, a
     * partial one {@code 0 < amount ≤ refundable}. The refund is stored {@code pending} and returned
     * with {@code created = true}. Concurrent calls for one order never together exceed its total.
     *
     * @throws RefundConflictException       when the refund_id names a refund of another order,
     *                                       type or amount
     * @throws OrderNotRefundableException   when the order is in another status
     * @throws RefundAmountException         when the amount is not above zero or above the
     *                                       refundable amount, or a full refund finds nothing left
     * @throws java.util.NoSuchElementException when no order has {@code request.orderId()}
     */
    RefundOutcome begin(RefundRequest request);

    Optional<Refund> get(String refundId);

    /** Every refund of one order, oldest first; empty for an unknown order. */
    List<Refund> ofOrder(long orderId);

    /**
     * The ids among {@code orderIds} that have at least one {@code completed} refund: one query
     * for a page of orders, so KPI recomputation never asks order by order.
     */
    Set<Long> withCompletedRefunds(Collection<Long> orderIds);

    /**
     * Compare-and-set {@code pending → processing}, done before the gateway is called.
     *
     * @return the updated refund, or empty when it was not {@code pending} (another worker took it)
     * @throws java.util.NoSuchElementException when no refund has this id
     */
    Optional<Refund> markProcessing(String refundId);

    /**
     * Records the gateway's success in one atomic step: the refund becomes {@code completed} with
     * the reference and {@code processedAt}; its order moves to {@code refunded} when its completed
     * refunds now add up to its total, else to {@code partially_refunded} (its {@code updatedAt}
     * changes); {@code events} are appended to the outbox for the order. Idempotent: a refund
     * already {@code completed} is returned as stored and nothing changes (no events either).
     *
     * @throws IllegalStateException when the refund is {@code pending} or {@code failed}; nothing
     *                               changes
     * @throws java.util.NoSuchElementException when no refund has this id
     */
    Refund complete(String refundId, String paymentReference, Instant processedAt, List<NewEvent> events);

    /**
     * Records the gateway's decline in one atomic step: the refund becomes {@code failed} with the
     * reason and {@code events} are appended for its order; the order does not change. Idempotent:
     * a refund already {@code failed} is returned as stored and nothing changes.
     *
     * @throws IllegalStateException when the refund is {@code pending} or {@code completed};
     *                               nothing changes
     * @throws java.util.NoSuchElementException when no refund has this id
     */
    Refund fail(String refundId, String failureReason, List<NewEvent> events);

    /**
     * A page of refunds, newest first (by insertion). Stable under concurrent inserts: new refunds
     * have higher keys and never shift later pages.
     */
    Page<Refund> list(RefundQuery query);

    /** Completed refunds with {@code from ≤ processedAt < to}, by processedAt, for KPI recomputation. */
    List<Refund> processedBetween(Instant fromInclusive, Instant toExclusive);

    /** Pending and processing refunds, oldest first: what the start-up sweep resumes. */
    List<Refund> unfinished();
}
