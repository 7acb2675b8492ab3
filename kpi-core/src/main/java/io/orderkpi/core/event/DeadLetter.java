package io.orderkpi.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * An event one subscriber could not handle after every attempt, for a reason other than its
 * back-end being down. It stays visible until it is redelivered or resolved, and the later events
 * of its order wait behind it for that subscriber (see {@link io.orderkpi.core.spi.Outbox}).
 *
 * @param id     store-assigned, increasing with every dead-lettering: the key lists page by
 * @param error  the last failure's class and message
 * @param deadAt when it was (last) dead-lettered
 */
public record DeadLetter(long id, String subscriber, OutboxEvent event, String error, Instant deadAt) {

    public DeadLetter {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(deadAt, "deadAt");
    }
}
