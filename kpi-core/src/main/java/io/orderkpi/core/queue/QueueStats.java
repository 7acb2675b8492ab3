package io.orderkpi.core.queue;

/**
 * Counters of one queue, as a dashboard shows them.
 *
 * @param pending             waiting to run, including delayed retries
 * @param running             being handled now
 * @param completed           handled successfully since the queue started
 * @param failed              in the failed list now
 * @param throughputPerMinute jobs completed in the last 60 seconds
 * @param waitP50Millis       median time from due to start over recent jobs, 0 when none
 * @param waitP95Millis       95th percentile of the same
 */
public record QueueStats(String queue, boolean paused, long pending, long running, long completed, long failed,
        long throughputPerMinute, long waitP50Millis, long waitP95Millis) {
}
