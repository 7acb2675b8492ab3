package io.orderkpi.core.event;

import io.orderkpi.core.relay.OutboxRelay;
import java.util.List;

/**
 * Receives outbox events from the {@link OutboxRelay}: at least once, in order per order. A
 * subscriber must be idempotent (handling an event twice has the effect of handling it once),
 * which makes delivery exactly once in effect. The relay calls one subscriber from one thread at a
 * time, and one process at a time delivers to a subscriber name.
 *
 * <p>Failures: throwing {@link io.orderkpi.core.lang.StoreUnavailableException} (also as a cause) says
 * the subscriber's back-end is down; the relay stalls and retries with a capped backoff until it
 * is back, and never dead-letters for it. Any other exception retries the event with the relay's
 * retry policy and then dead-letters it.
 */
public interface EventSubscriber {

    /** A stable name: the outbox keeps its delivery bookkeeping under it. */
    String name();

    /** Handles one event; throwing retries it with backoff (see above). */
    void handle(OutboxEvent event) throws Exception;

    /**
     * Handles a batch of events in sequence order, as {@link #handle} would one by one, so a
     * subscriber with a remote store can write the batch in one round trip. The batch need not be
     * atomic: when it throws (other than for an outage), the relay delivers its events again one
     * by one, so an event handled before the failure is handled twice, which idempotency absorbs.
     */
    default void handleAll(List<OutboxEvent> events) throws Exception {
        for (OutboxEvent event : events) {
            handle(event);
        }
    }
}
