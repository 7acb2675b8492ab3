package io.orderkpi.core.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a throwing job runs and how long it waits between attempts: exponential backoff
 * {@code initialDelay × 2^(attempt-1)}, capped at {@code maxDelay}.
 *
 * @param maxAttempts total runs before the job goes to the failed list, at least 1
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(1));

    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay");
        }
    }

    /** The wait after the given failed attempt (1-based) before the next one. */
    public Duration delayAfter(int failedAttempt) {
        int shift = Math.min(Math.max(failedAttempt - 1, 0), 30);
        Duration delay = initialDelay.multipliedBy(1L << shift);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
