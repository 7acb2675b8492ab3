package io.orderkpi.core.order;

import io.orderkpi.core.lang.Nullable;
import java.time.Instant;

/**
 * The fields a status change sets besides the status itself. A {@code null} component leaves
 * the stored value as it was.
 */
public record OrderChanges(@Nullable Instant reservedAt, @Nullable Instant paidAt, @Nullable Instant failedAt,
        @Nullable String failureReason, @Nullable String paymentReference) {

    private static final OrderChanges NONE = new OrderChanges(null, null, null, null, null);

    public static OrderChanges none() {
        return NONE;
    }

    public OrderChanges reservedAt(Instant at) {
        return new OrderChanges(at, paidAt, failedAt, failureReason, paymentReference);
    }

    public OrderChanges paidAt(Instant at) {
        return new OrderChanges(reservedAt, at, failedAt, failureReason, paymentReference);
    }

    public OrderChanges failed(Instant at, String reason) {
        return new OrderChanges(reservedAt, paidAt, at, reason, paymentReference);
    }

    public OrderChanges paymentReference(String reference) {
        return new OrderChanges(reservedAt, paidAt, failedAt, failureReason, reference);
    }
}
