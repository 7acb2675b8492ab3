package io.orderkpi.core.memory;

import java.util.Arrays;

/**
 * The wait times (due to start, in milliseconds) of the most recent job starts of one queue, for
 * p50/p95. A ring buffer: memory stays fixed however many jobs run. Not thread-safe; the owner
 * guards it with its lock.
 */
final class WaitTimeWindow {

    private final long[] samples;
    private int size;
    private int next;

    WaitTimeWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.samples = new long[capacity];
    }

    void record(long waitMillis) {
        samples[next] = Math.max(0, waitMillis);
        next = (next + 1) % samples.length;
        size = Math.min(size + 1, samples.length);
    }

    /**
     * The nearest-rank percentile of the window, 0 when empty. Sorting a copy on each call is
     * cheap at this size and keeps {@link #record} (once per job) constant time.
     */
    long percentile(int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("percent must be in 1..100: " + percent);
        }
        if (size == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100.0 * size);
        return sorted[rank - 1];
    }
}
