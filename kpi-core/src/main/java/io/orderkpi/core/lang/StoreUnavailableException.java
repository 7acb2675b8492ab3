package io.orderkpi.core.lang;

/**
 * A store or remote service could not be reached or timed out. This is a technical failure:
 * the work that hit it is retried, never treated as a business outcome.
 */
public class StoreUnavailableException extends OrderKpiException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
