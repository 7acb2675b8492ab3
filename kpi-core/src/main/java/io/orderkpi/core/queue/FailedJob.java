package io.orderkpi.core.queue;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A job that used up its attempts, as views show it: never its payload (import chunks carry
 * names and e-mail addresses), only its {@link JobRequest#subject() subject}.
 *
 * @param subject   the short subject it was enqueued with, empty when none
 * @param attempts  attempts used, the last one included
 * @param lastError the last exception's class and message
 */
public record FailedJob(UUID id, String queue, String type, String subject, int attempts, String lastError,
        Instant enqueuedAt, Instant failedAt) {

    public FailedJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        Objects.requireNonNull(failedAt, "failedAt");
    }
}
