package io.orderkpi.core.queue;

/**
 * Counters of one queue, as a dashboard shows them. They come from the job store, so every
 * process sharing the store sees the same numbers (the jobs of every consumer added up).
 *
 * @param pending             waiting to run, including delayed retries
 * @param running             claimed by a consumer and not yet acked, released or failed
 * @param completed           acked since the store started counting
 * @param failed              in the failed list now
 * @param throughputPerMinute jobs completed in the last 60 seconds
 * @param waitP50Millis       median time from due to claim over recent jobs, 0 when none
 * @param waitP95Millis       95th percentile of the same
 */
public record QueueStats(String queue, boolean paused, long pending, long running, long completed, long failed,
        long throughputPerMinute, long waitP50Millis, long waitP95Millis) {
}
