package io.orderkpi.core.queue;

import io.orderkpi.core.lang.OrderKpiException;
import java.time.Duration;

/**
 * Thrown by a handler whose job cannot run yet (an earlier import chunk is still missing, say):
 * the queue runs it again after {@code delay} without counting an attempt.
 */
public class RetryLaterException extends OrderKpiException {

    private final transient Duration delay;

    public RetryLaterException(String reason, Duration delay) {
        super(reason);
        this.delay = delay;
    }

    public Duration delay() {
        return delay;
    }
}
