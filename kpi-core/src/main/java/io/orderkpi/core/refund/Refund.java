package io.orderkpi.core.refund;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored refund (SPEC §6). Immutable and thread-safe: a status change yields a new value from
 * the record store. The withers below are for record stores; they check the status move and
 * nothing else.
 *
 * @param refundId         globally unique; the gateway's idempotency key
 * @param customerId       the order's customer, copied so listings by customer need no join
 * @param amount           greater than zero; for a {@link RefundType#FULL full} refund what
 *                         remained refundable when it began
 * @param failureReason    the gateway's reason; set exactly when {@link RefundStatus#FAILED}
 * @param paymentReference the gateway's refund reference; set exactly when
 *                         {@link RefundStatus#COMPLETED}
 * @param processedAt      when the money went back (decides the KPI day); set exactly when
 *                         {@link RefundStatus#COMPLETED}
 */
public record Refund(String refundId, long orderId, String customerId, RefundType type, Money amount,
        @Nullable String reason, RefundStatus status, @Nullable String failureReason,
        @Nullable String paymentReference, @Nullable Instant processedAt, Instant createdAt, Instant updatedAt) {

    public Refund {
        Objects.requireNonNull(refundId, "refundId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (!amount.isPositive()) {
            throw new IllegalArgumentException("Refund " + refundId + " needs a positive amount: " + amount);
        }
    }

    /** A new {@link RefundStatus#PENDING} refund of {@code order}. */
    public static Refund pending(String refundId, Order order, RefundType type, Money amount,
            @Nullable String reason, Instant now) {
        return new Refund(refundId, order.id(), order.customerId(), type, amount, reason, RefundStatus.PENDING,
                null, null, null, now, now);
    }

    /** This refund moved to {@link RefundStatus#PROCESSING}. */
    public Refund processing(Instant now) {
        return moved(RefundStatus.PROCESSING, null, null, null, now);
    }

    /** This refund moved to {@link RefundStatus#COMPLETED}. */
    public Refund completed(String reference, Instant processed, Instant now) {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(processed, "processed");
        return moved(RefundStatus.COMPLETED, null, reference, processed, now);
    }

    /** This refund moved to {@link RefundStatus#FAILED}. */
    public Refund failed(String reason, Instant now) {
        Objects.requireNonNull(reason, "reason");
        return moved(RefundStatus.FAILED, reason, null, null, now);
    }

    private Refund moved(RefundStatus to, @Nullable String failure, @Nullable String reference,
            @Nullable Instant processed, Instant now) {
        if (!status.canTransitionTo(to)) {
            throw new IllegalStateException("Refund " + refundId + " of order " + orderId + " is " + status.wireName()
                    + " and cannot become " + to.wireName());
        }
        return new Refund(refundId, orderId, customerId, type, amount, reason, to, failure, reference, processed,
                createdAt, now);
    }
}
