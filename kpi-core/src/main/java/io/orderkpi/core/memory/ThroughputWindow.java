package io.orderkpi.core.memory;

import java.time.Instant;
import java.util.Arrays;

/**
 * Completions of one queue over the last 60 seconds of the queue's clock, in one-second buckets:
 * memory stays fixed at any rate, and a count is exact to the second. Not thread-safe; the owner
 * guards it with its lock.
 */
final class ThroughputWindow {

    static final int SECONDS = 60;

    private final long[] bucketSecond = new long[SECONDS];
    private final long[] bucketCount = new long[SECONDS];

    ThroughputWindow() {
        // No bucket is valid until written: Long.MIN_VALUE is never a clock second.
        Arrays.fill(bucketSecond, Long.MIN_VALUE);
    }

    void record(Instant at) {
        long second = at.getEpochSecond();
        int index = (int) Math.floorMod(second, (long) SECONDS);
        if (bucketSecond[index] != second) {
            bucketSecond[index] = second;
            bucketCount[index] = 0;
        }
        bucketCount[index]++;
    }

    /** Completions in the 60 seconds up to and including the second of {@code now}. */
    long countUpTo(Instant now) {
        long nowSecond = now.getEpochSecond();
        long total = 0;
        for (int i = 0; i < SECONDS; i++) {
            long second = bucketSecond[i];
            if (second <= nowSecond && second > nowSecond - SECONDS) {
                total += bucketCount[i];
            }
        }
        return total;
    }
}
