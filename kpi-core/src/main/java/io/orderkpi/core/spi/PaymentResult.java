package io.orderkpi.core.spi;

import io.orderkpi.core.lang.Nullable;

/**
 * The business outcome of a charge or a refund. A decline is a result, not an exception: it is
 * final, while exceptions are kept for technical failures that must be retried
 * ({@link GatewayUnavailableException}). Immutable and thread-safe.
 *
 * @param success   whether the money moved
 * @param reference the gateway's reference of the payment or refund; {@code null} exactly when
 *                  declined
 * @param reason    why it was declined; {@code null} exactly when {@code success}
 */
public record PaymentResult(boolean success, @Nullable String reference, @Nullable String reason) {

    public PaymentResult {
        if (success && (reference == null || reference.isBlank() || reason != null)) {
            throw new IllegalArgumentException("a successful payment has a reference and no reason: reference="
                    + reference + ", reason=" + reason);
        }
        if (!success && (reason == null || reason.isBlank() || reference != null)) {
            throw new IllegalArgumentException("a declined payment has a reason and no reference: reference="
                    + reference + ", reason=" + reason);
        }
    }

    /** The money moved; {@code reference} identifies it at the gateway. */
    public static PaymentResult success(String reference) {
        return new PaymentResult(true, reference, null);
    }

    /** The gateway refused for {@code reason}, as the order's or refund's failure_reason will show it. */
    public static PaymentResult declined(String reason) {
        return new PaymentResult(false, null, reason);
    }
}
