package io.orderkpi.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * An event one subscriber could not handle after every attempt. It stays visible (and can be
 * delivered again) until it is resolved; it never blocks the subscriber's later events.
 *
 * @param error the last failure's class and message
 */
public record DeadLetter(String subscriber, OutboxEvent event, String error, Instant deadAt) {

    public DeadLetter {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(deadAt, "deadAt");
    }
}
