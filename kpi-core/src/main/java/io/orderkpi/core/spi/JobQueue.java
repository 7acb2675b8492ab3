package io.orderkpi.core.spi;

import io.orderkpi.core.Nullable;
import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Named queues of small jobs, handled by a pool of workers at least once (SPEC §8).
 *
 * <p>Contract every implementation keeps (checked by {@code JobQueueContract} of kpi-testkit):
 * <ul>
 *   <li>Thread-safe; handlers may enqueue.</li>
 *   <li>A job whose handler throws runs again after the {@link io.orderkpi.core.queue.RetryPolicy}
 *       backoff, up to its maximum attempts, then lands in the failed list with its last error.
 *       A {@link io.orderkpi.core.queue.RetryLaterException} reschedules without using an attempt.</li>
 *   <li>Jobs of one queue start in enqueue order (retries at their due time); with more than one
 *       worker they may run concurrently.</li>
 *   <li>A paused queue starts no job; running ones finish. Clearing removes pending jobs only.</li>
 *   <li>{@link #close()} takes no new jobs, lets running ones finish within the grace period and
 *       leaves every other job pending (claimable by another node where the back-end is shared).</li>
 * </ul>
 */
public interface JobQueue extends AutoCloseable {

    /**
     * Registers the handler of a job type, before {@link #start}.
     *
     * @throws IllegalStateException when the type already has a handler
     */
    void register(String jobType, JobHandler handler);

    /**
     * Starts the workers: {@code workersPerQueue} threads per named queue. Jobs may be enqueued
     * before; they wait. Starting twice is an error.
     */
    void start(Map<String, Integer> workersPerQueue);

    /**
     * Adds a job (or, with a dedup key held by a pending or running job, returns that job's id).
     *
     * @throws IllegalStateException after {@link #close()}
     */
    UUID enqueue(JobRequest request);

    void pause(String queue);

    /** Resumes a paused queue ("continue"). */
    void resume(String queue);

    boolean isPaused(String queue);

    /** Removes every pending job of the queue; returns how many. Running jobs finish. */
    long clear(String queue);

    /** Counters of every queue that has been used or has workers, by name. */
    Map<String, QueueStats> stats();

    /**
     * Failed jobs, most recent first.
     *
     * @param queue  only this queue, or every queue when {@code null}
     * @param search only jobs whose type, payload or error contains it (case ignored), or all
     */
    List<FailedJob> failed(@Nullable String queue, @Nullable String search);

    /** Moves a failed job back to its queue with fresh attempts; false when unknown. */
    boolean retryFailed(UUID jobId);

    /** Deletes a failed job; false when unknown. */
    boolean forgetFailed(UUID jobId);

    /** Retries every failed job (of one queue, or all when {@code null}); returns how many. */
    long retryAllFailed(@Nullable String queue);

    /** Deletes every failed job (of one queue, or all when {@code null}); returns how many. */
    long forgetAllFailed(@Nullable String queue);

    /**
     * Stops taking jobs and waits up to {@code grace} for running ones; jobs still running then
     * are interrupted and left pending. Idempotent.
     */
    void shutdown(Duration grace);

    /** {@link #shutdown} with the queue's configured grace period. */
    @Override
    void close();
}
