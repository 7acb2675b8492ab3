package io.orderkpi.core.worker;

import io.orderkpi.core.queue.Job;

/**
 * Runs jobs of one type. Every job store delivers at least once, so a handler must be idempotent:
 * running the same job twice has the effect of running it once.
 */
@FunctionalInterface
public interface JobHandler {

    /**
     * Handles the job. Returning normally completes it; throwing retries it with backoff (or
     * later without counting an attempt, for {@link io.orderkpi.core.queue.RetryLaterException}).
     * An interrupt means the engine is shutting down and gave up waiting: stop soon.
     */
    void handle(Job job) throws Exception;
}
