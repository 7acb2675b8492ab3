package io.orderkpi.core.queue;

import io.orderkpi.core.lang.Nullable;
import java.util.Objects;

/**
 * A job to enqueue.
 *
 * @param queue    the queue's name
 * @param type     selects the handler registered for it
 * @param payload  handler input as text (stores keep it verbatim and never show it in views of
 *                 failed jobs, since it may hold personal data); keep it small
 * @param dedupKey while a job with this key is pending or running, enqueueing another with the
 *                 same key returns the existing job's id and adds nothing; {@code null} for none
 * @param subject  what views of the job show instead of the payload: a short, personal-data-free
 *                 name of what the job works on ({@code order 42}, {@code import 3f… chunk 7});
 *                 empty for none, at most {@value #MAX_SUBJECT_LENGTH} characters
 */
public record JobRequest(String queue, String type, String payload, @Nullable String dedupKey, String subject) {

    /** The longest {@link #subject}: short enough for a table column, long enough for a UUID and more. */
    public static final int MAX_SUBJECT_LENGTH = 200;

    public JobRequest {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(subject, "subject");
        if (subject.length() > MAX_SUBJECT_LENGTH) {
            throw new IllegalArgumentException("subject must be at most " + MAX_SUBJECT_LENGTH
                    + " characters, got " + subject.length() + ": " + subject.substring(0, 40) + "…");
        }
    }

    /** A job without dedup key or subject. */
    public static JobRequest of(String queue, String type, String payload) {
        return new JobRequest(queue, type, payload, null, "");
    }

    public JobRequest withDedupKey(String key) {
        return new JobRequest(queue, type, payload, key, subject);
    }

    /** This job with the subject its failed-job views show; see {@link #subject()}. */
    public JobRequest withSubject(String value) {
        return new JobRequest(queue, type, payload, dedupKey, value);
    }
}
