package io.orderkpi.core.queue;

import java.time.Instant;
import java.util.Objects;

/**
 * A job a consumer claimed from a job store, with its lease: until {@code leaseUntil} (the
 * store's clock) no other consumer gets it. Every later call about the job (ack, release, fail,
 * extend) passes this value back, and the store honours it only while this very claim still
 * holds the job: {@code token} tells this claim apart from an earlier or later claim of the same
 * job, so a consumer whose lease expired and was reclaimed cannot complete or fail the job that
 * another consumer now runs.
 *
 * @param job        the job as its handler sees it
 * @param consumer   who claimed it (one id per worker engine, i.e. per process)
 * @param token      the claim's fencing token, opaque to callers; new for every claim
 * @param leaseUntil when the lease ends unless extended
 */
public record ClaimedJob(Job job, String consumer, long token, Instant leaseUntil) {

    public ClaimedJob {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
    }

    /** The same claim with a later end of lease, as {@code JobStore.extend} returns it. */
    public ClaimedJob extendedTo(Instant until) {
        return new ClaimedJob(job, consumer, token, until);
    }
}
