package io.orderkpi.core.lang;

import java.util.Optional;

/**
 * A store or remote service could not be reached or timed out. This is a technical failure:
 * the work that hit it is retried, never treated as a business outcome.
 */
public class StoreUnavailableException extends OrderKpiException {

    @Nullable
    private final String store;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
        this.store = null;
    }

    public StoreUnavailableException(String message) {
        super(message);
        this.store = null;
    }

    /**
     * @param store what could not be reached, for an answer to a client that must not carry the
     *              driver's details: {@code "MySQL record store"}
     */
    public StoreUnavailableException(String store, String message, Throwable cause) {
        super(message, cause);
        this.store = store;
    }

    /** What could not be reached, when the thrower named it: {@code "MySQL record store"}. */
    public Optional<String> store() {
        return Optional.ofNullable(store);
    }
}
