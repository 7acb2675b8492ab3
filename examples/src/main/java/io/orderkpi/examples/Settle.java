package io.orderkpi.examples;

import io.orderkpi.core.OrderKpi;
import java.time.Duration;

/**
 * A bounded wait for the asynchronous parts of an {@link OrderKpi}: its queue workers process
 * orders, and its outbox relay hands the resulting events to analytics and notifications a moment
 * later. A program that reports right after {@code process()} would print half-counted KPIs.
 */
final class Settle {

    private Settle() {
    }

    /**
     * Waits until no job is pending or running and every event has reached every subscriber.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}, so a stuck
     *         example ends with an error instead of hanging
     */
    static void idle(OrderKpi kpi, Duration timeout) {
        try {
            if (!kpi.awaitIdle(timeout)) {
                throw new IllegalStateException("Gave up waiting after " + timeout
                        + " for the queues and the outbox relay; check the log above for failed jobs");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the queues and the relay", e);
        }
    }
}
