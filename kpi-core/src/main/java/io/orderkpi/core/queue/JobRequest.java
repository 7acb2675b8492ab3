package io.orderkpi.core.queue;

import io.orderkpi.core.Nullable;
import java.util.Objects;

/**
 * A job to enqueue.
 *
 * @param queue    the queue's name
 * @param type     selects the handler registered for it
 * @param payload  handler input as text (adapters store it verbatim); keep it small
 * @param dedupKey while a job with this key is pending or running, enqueueing another with the
 *                 same key returns the existing job's id and adds nothing; {@code null} for none
 */
public record JobRequest(String queue, String type, String payload, @Nullable String dedupKey) {

    public JobRequest {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
    }

    public static JobRequest of(String queue, String type, String payload) {
        return new JobRequest(queue, type, payload, null);
    }

    public JobRequest withDedupKey(String key) {
        return new JobRequest(queue, type, payload, key);
    }
}
