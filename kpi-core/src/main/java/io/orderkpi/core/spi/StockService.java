package io.orderkpi.core.spi;

/**
 * Holds per-product stock for order lines while an order is processed (SPEC §4). The workflow
 * reserves every line of an order, and releases them when a later step fails.
 *
 * <p>Contract every implementation keeps:
 * <ul>
 *   <li>Thread-safe.</li>
 *   <li>Idempotent per (order, line), so a resumed or retried step never holds stock twice:
 *       a line is reserved at most once in its lifetime. Reserving a line again returns the first
 *       result (success or failure) and changes nothing, even after the line was released.
 *       Releasing a line that was never reserved, failed, or is already released does nothing.</li>
 *   <li>Business failures are results: a line that cannot be served yields
 *       {@link ReservationResult#insufficientStock(String)}, final for that line.</li>
 *   <li>Technical failures (service unreachable, timeout, interrupted) throw
 *       {@link GatewayUnavailableException} and change nothing, so the same call can be repeated.</li>
 * </ul>
 */
public interface StockService {

    /**
     * Reserves {@code quantity} units of {@code productId} for line {@code lineIndex} of order
     * {@code orderId}, or returns the first result for that line.
     *
     * @param lineIndex position of the line in {@link io.orderkpi.core.order.Order#items()}
     * @param quantity  units wanted, greater than zero
     * @throws GatewayUnavailableException when the service cannot be reached; nothing was reserved
     */
    ReservationResult reserve(long orderId, int lineIndex, String productId, int quantity);

    /**
     * Gives back the units held for a line. Does nothing for a line not currently held.
     *
     * @throws GatewayUnavailableException when the service cannot be reached; nothing was released
     */
    void release(long orderId, int lineIndex);
}
