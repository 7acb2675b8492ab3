package io.orderkpi.core.queue;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A job as a handler sees it.
 *
 * @param attempt    1 on the first run, 2 on the first retry, ...
 * @param enqueuedAt when it was first enqueued
 */
public record Job(UUID id, String queue, String type, String payload, int attempt, Instant enqueuedAt) {

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
    }
}
