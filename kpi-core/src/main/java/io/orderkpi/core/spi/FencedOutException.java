package io.orderkpi.core.spi;

import io.orderkpi.core.lang.OrderKpiException;

/**
 * The outbox refused a delivery mark because it carried a fencing token older than one already
 * seen for that subscriber: the caller lost its {@link Lease} (it stalled, and another process
 * took over) and must stop delivering. Nothing was changed.
 */
public final class FencedOutException extends OrderKpiException {

    public FencedOutException(String subscriber, long token, long newest) {
        super("Delivery marks for subscriber '" + subscriber + "' with fencing token " + token
                + " refused: token " + newest + " was seen, so another process holds the subscriber's lease");
    }
}
