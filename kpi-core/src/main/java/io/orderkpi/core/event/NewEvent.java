package io.orderkpi.core.event;

import java.util.Map;
import java.util.Objects;

/**
 * An event about to be appended to the outbox together with the state change that causes it.
 * The record store assigns the order id, sequence and time.
 *
 * @param data flat, self-contained payload (see {@link EventData} for the keys), so a
 *             subscriber never has to read the order back
 */
public record NewEvent(EventType type, Map<String, String> data) {

    public NewEvent {
        Objects.requireNonNull(type, "type");
        data = Map.copyOf(data);
    }

    public static NewEvent of(EventType type, Map<String, String> data) {
        return new NewEvent(type, data);
    }
}
