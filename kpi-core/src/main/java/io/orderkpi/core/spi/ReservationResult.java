package io.orderkpi.core.spi;

import io.orderkpi.core.lang.Nullable;

/**
 * The business outcome of reserving stock for one order line. A shortage is a result, not an
 * exception: it is final and cancels the order, while exceptions are kept for technical failures
 * that must be retried ({@link GatewayUnavailableException}). Immutable and thread-safe.
 *
 * @param success whether the units are now held for the line
 * @param reason  why the reservation failed; {@code null} exactly when {@code success}
 */
public record ReservationResult(boolean success, @Nullable String reason) {

    private static final ReservationResult RESERVED = new ReservationResult(true, null);

    public ReservationResult {
        if (success && reason != null) {
            throw new IllegalArgumentException("a successful reservation has no reason: " + reason);
        }
        if (!success && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a failed reservation needs a reason");
        }
    }

    /**
     * The units are held for the line. Named {@code reserved} because {@code success()} is the
     * accessor of the {@code success} component, which reads the same on both result types.
     */
    public static ReservationResult reserved() {
        return RESERVED;
    }

    /** The reservation failed for {@code reason}, as the order's failure_reason will show it. */
    public static ReservationResult declined(String reason) {
        return new ReservationResult(false, reason);
    }

    /**
     * The failure every {@link StockService} reports for a product without enough stock (SPEC §4):
     * {@code "Insufficient stock for product: {productId}"}. One factory so every adapter uses the
     * same text that reports and tests compare.
     */
    public static ReservationResult insufficientStock(String productId) {
        return declined("Insufficient stock for product: " + productId);
    }
}
