package io.orderkpi.core.refund;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a refund stands (SPEC §6). The only moves are {@code pending → processing} (before the
 * gateway is called) and {@code processing → completed | failed} (its answer); the last two are
 * final.
 */
public enum RefundStatus {
    /** Stored and counted against the refundable amount; the gateway has not been called. */
    PENDING,
    /** The gateway may have been called; its answer is not recorded yet. */
    PROCESSING,
    /** The money went back; the order's status reflects it. */
    COMPLETED,
    /** The gateway declined; nothing else changed and the amount is refundable again. */
    FAILED;

    /** Completed or failed: nothing will change this refund any more. */
    public boolean isFinished() {
        return this == COMPLETED || this == FAILED;
    }

    /** Whether a refund in this status takes from the order's refundable amount: all but failed. */
    public boolean countsAgainstRefundable() {
        return this != FAILED;
    }

    /** Whether {@code target} is a legal next status. */
    public boolean canTransitionTo(RefundStatus target) {
        return switch (this) {
            case PENDING -> target == PROCESSING;
            case PROCESSING -> target == COMPLETED || target == FAILED;
            case COMPLETED, FAILED -> false;
        };
    }

    /** The name in JSON and storage: {@code processing}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@link #wireName()} (case ignored). */
    public static Optional<RefundStatus> fromWireName(String text) {
        String upper = text.strip().toUpperCase(Locale.ROOT);
        for (RefundStatus status : values()) {
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
