package io.orderkpi.core.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An event as the outbox holds it.
 *
 * @param sequence   store-wide, strictly increasing in append order; delivery order per order
 *                   follows it
 * @param orderId    the order the event is about
 * @param recordedAt when the state change and the event were committed
 */
public record OutboxEvent(long sequence, long orderId, EventType type, Map<String, String> data, Instant recordedAt) {

    public OutboxEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(recordedAt, "recordedAt");
        data = Map.copyOf(data);
    }
}
