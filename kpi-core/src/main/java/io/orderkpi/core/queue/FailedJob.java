package io.orderkpi.core.queue;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A job that used up its attempts.
 *
 * @param lastError the last exception's class and message
 */
public record FailedJob(UUID id, String queue, String type, String payload, int attempts, String lastError,
        Instant enqueuedAt, Instant failedAt) {

    public FailedJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        Objects.requireNonNull(failedAt, "failedAt");
    }
}
