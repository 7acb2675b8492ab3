package io.orderkpi.core.spi;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.queue.ClaimedJob;
import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Where jobs wait, and who runs which (SPEC §8): storage only. The worker logic (handlers,
 * pools, backoff, lease extension, shutdown) is written once, in
 * {@code io.orderkpi.core.worker.WorkerEngine}, and runs over any store. Several engines, in
 * one process or in several, may share one store; {@code JobStoreContract} of kpi-testkit holds
 * every implementation to this contract, two engines on one store included.
 *
 * <p><b>A job's life.</b> {@link #enqueue} makes it <em>pending</em> and due now. {@link #claim}
 * hands due jobs of a queue, oldest due first, to one consumer with a <em>lease</em>: the job is
 * then <em>running</em> and no other claim returns it until the lease ends. The consumer ends the
 * claim with exactly one of {@link #ack} (done), {@link #release} (pending again, due after a
 * delay) or {@link #fail} (to the failed list), and may {@link #extend} the lease while the
 * handler runs. A lease that ends without any of these (the consumer's process died) is taken back
 * by {@link #reclaimExpired}, which any consumer may call.
 *
 * <p><b>At least once.</b> A job may run more than once (a consumer that dies after its handler's
 * effects but before its ack, a lease that expired under a long pause), never zero times while it
 * is pending or running. Handlers are idempotent.
 *
 * <p><b>Fencing.</b> {@code ack}, {@code release}, {@code fail} and {@code extend} take the
 * {@link ClaimedJob} a claim returned and act only while that claim still holds the job (same job,
 * consumer and {@link ClaimedJob#token() token}, not reclaimed, not cleared); otherwise they change
 * nothing and answer {@code false} or empty. A consumer whose lease was reclaimed therefore cannot
 * complete, retry or fail a job another consumer now runs, nor keep it from being reclaimed again.
 *
 * <p><b>Atomicity.</b> Every method is one atomic step with respect to every other consumer of
 * the store: a claim never hands one job to two consumers; an ack counts the completion and frees
 * the dedup key together; a fail moves the job and counts it failed together; a retry of a failed
 * job makes it pending and takes its dedup key back together.
 *
 * <p><b>Dedup keys.</b> A {@link JobRequest#dedupKey()} is held from enqueue until the job is
 * acked, failed or cleared (through releases and reclaims). Enqueueing while it is held returns
 * the holder's id and stores nothing.
 *
 * <p><b>Time.</b> Due times, leases, wait times and failure times follow the store's clock (the
 * injected {@link java.time.Clock} of a memory store, the server's clock of a shared one). Callers
 * pass durations, never instants, so a node's clock skew cannot shorten a lease or a delay.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread, handlers included.
 */
public interface JobStore extends AutoCloseable {

    /**
     * Stores a pending job, due now, with no attempt used; or, when its dedup key is held,
     * returns the holder's id and stores nothing.
     */
    UUID enqueue(JobRequest request);

    /**
     * Claims up to {@code max} due jobs of the queue, oldest due first (jobs due at the same time
     * in enqueue order), each with a lease of {@code lease} from now. Returns none while the queue
     * is paused. Records each job's wait (due to claim) for {@link #stats()}. A claimed job's
     * {@link io.orderkpi.core.queue.Job#attempt() attempt} is the attempts it used so far plus one.
     *
     * @param consumer who claims: one id per worker engine, unique among the store's consumers
     */
    List<ClaimedJob> claim(String queue, String consumer, int max, Duration lease);

    /** Completes a claimed job: removes it, frees its dedup key, counts it completed. */
    boolean ack(ClaimedJob claim);

    /**
     * Makes a claimed job pending again, due after {@code delay}. With {@code countAttempt} the run
     * counts as a used attempt (a handler threw); without it, it does not (the handler asked to
     * run later, or a shutdown interrupted it).
     */
    boolean release(ClaimedJob claim, Duration delay, boolean countAttempt);

    /**
     * Moves a claimed job to the failed list, counting this run as an attempt, with the error it
     * ended with; frees its dedup key.
     */
    boolean fail(ClaimedJob claim, String error);

    /**
     * Extends a claimed job's lease to {@code lease} from now; empty when the claim no longer
     * holds the job (its lease expired and was reclaimed, or it was acked, released or failed).
     */
    Optional<ClaimedJob> extend(ClaimedJob claim, Duration lease);

    /**
     * Takes back every running job of the queue whose lease ended before now, whoever claimed
     * it: the expired run counts as a used attempt; a job that has used {@code maxAttempts} goes
     * to the failed list (its error says the lease expired and whose it was), any other is pending
     * again and due now. Returns how many jobs were taken back, failed ones included.
     */
    int reclaimExpired(String queue, int maxAttempts);

    /** Stops claims of the queue, for every consumer; running jobs finish. */
    void pause(String queue);

    /** Lets claims of a paused queue go on ("continue"). */
    void resume(String queue);

    boolean isPaused(String queue);

    /** Removes every pending job of the queue, freeing their dedup keys; returns how many. Running jobs stay. */
    long clear(String queue);

    /**
     * Counters of every queue that has had a job, a claim or a pause, by name; the same for every
     * process using the store. Throughput counts the acks of the last 60 seconds; the wait
     * percentiles cover the recent claims (due to claim). A shared store may keep both in
     * per-minute buckets (one counter and a bounded sample of waits per queue and minute) so that
     * they cost a bounded amount of storage whatever the rate.
     */
    Map<String, QueueStats> stats();

    /**
     * A page of failed jobs, most recent failure first.
     *
     * @param queue     only this queue, or every queue when {@code null}
     * @param search    only jobs whose type, subject or error contains it, case ignored, or all
     *                  when {@code null} (never the payload: it may hold personal data)
     * @param beforeKey the previous page's {@link Page#nextKey()}, or {@code Long.MAX_VALUE} for
     *                  the first page; keys are positive and follow the order of failures
     * @param limit     at most this many, at least 1
     */
    Page<FailedJob> failed(@Nullable String queue, @Nullable String search, long beforeKey, int limit);

    /**
     * Moves a failed job back to its queue, pending and due now with no attempt used; it takes its
     * dedup key back unless another job holds that key now. False when unknown.
     */
    boolean retryFailed(UUID jobId);

    /** Deletes a failed job; false when unknown. */
    boolean forgetFailed(UUID jobId);

    /** Retries every failed job (of one queue, or all when {@code null}), oldest failure first; returns how many. */
    long retryAllFailed(@Nullable String queue);

    /** Deletes every failed job (of one queue, or all when {@code null}); returns how many. */
    long forgetAllFailed(@Nullable String queue);

    /** Deletes the failed jobs that failed before {@code cutoff} (history retention); returns how many. */
    int purgeFailed(Instant cutoff);

    /**
     * Asks to be told, with the queue's name, whenever jobs of a queue may have become claimable
     * (enqueued, released, retried, reclaimed, a queue resumed), so an engine starts them without
     * waiting for its next poll. A hint only: a store may call it spuriously, late or never (then
     * engines find work by polling). Calls come from the thread that changed the store, outside
     * the store's locks, so the listener must be quick and must not block.
     *
     * @return stops the notifications
     */
    default Runnable onJobsAvailable(Consumer<String> listener) {
        return () -> { };
    }

    /** Releases the store's resources (connections); jobs stay where they are. Idempotent. */
    @Override
    default void close() {
    }
}
