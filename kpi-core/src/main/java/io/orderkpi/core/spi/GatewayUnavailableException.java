package io.orderkpi.core.spi;

import io.orderkpi.core.lang.StoreUnavailableException;

/**
 * A {@link StockService} or {@link PaymentGateway} could not be reached, timed out or was
 * interrupted: a technical failure, never a business outcome. The step that hit it is retried
 * with the same idempotency key, so the retry cannot reserve, charge or refund twice.
 *
 * <p>A subclass of {@link StoreUnavailableException} rather than a sibling: for the workflow a
 * gateway outage and a store outage mean the same thing (the order stays in its step and the job
 * retries), so one {@code catch} handles both; this type only says which side was down.
 */
public final class GatewayUnavailableException extends StoreUnavailableException {

    public GatewayUnavailableException(String message) {
        super(message);
    }

    public GatewayUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
