package io.orderkpi.core.event;

/**
 * Receives outbox events from the {@link OutboxRelay}: at least once, in order per order. A
 * subscriber must be idempotent (handling an event twice has the effect of handling it once),
 * which makes delivery exactly once in effect.
 */
public interface EventSubscriber {

    /** A stable name: the outbox keeps its delivery bookkeeping under it. */
    String name();

    /** Handles one event; throwing retries it with backoff, then dead-letters it. */
    void handle(OutboxEvent event) throws Exception;
}
