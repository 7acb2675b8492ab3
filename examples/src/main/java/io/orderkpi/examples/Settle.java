package io.orderkpi.examples;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.queue.QueueStats;
import io.orderkpi.core.spi.OrderQuery;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits for the asynchronous parts of an {@link OrderKpi}: its queue workers process
 * orders, and its outbox relay hands the resulting events to analytics and notifications a moment
 * later. A program that reports right after {@code process()} would print half-counted KPIs.
 *
 * <p>Every wait has a deadline and fails with a message naming what did not happen, so a stuck
 * example ends with an error instead of hanging.
 */
final class Settle {

    /** Short enough that the examples stay snappy, long enough not to spin a core. */
    private static final long POLL_MILLIS = 20;

    private static final List<OrderStatus> NOT_FINAL =
            Arrays.stream(OrderStatus.values()).filter(status -> !status.isFinal()).toList();

    private Settle() {
    }

    /**
     * Waits until the given orders are final and the KPIs (and notifications) have caught up.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}
     */
    static void ordersFinal(OrderKpi kpi, Collection<Long> orderIds, Duration timeout) {
        long deadline = deadline(timeout);
        until("orders " + orderIds + " to reach a final status", deadline, () -> orderIds.stream()
                .allMatch(id -> kpi.records().orders().get(id).map(Order::status).filter(OrderStatus::isFinal)
                        .isPresent()));
        eventsDelivered(kpi, deadline);
    }

    /**
     * Waits until no stored order is in a non-final status and the KPIs have caught up. Meant for
     * after an import with {@code process=true} has finished: its last chunk queues its orders
     * just after the import is marked completed, so a pending order may not be queued yet when
     * this starts; it still has to become final before the wait ends.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}
     */
    static void allOrdersFinal(OrderKpi kpi, Duration timeout) {
        long deadline = deadline(timeout);
        until("every order to reach a final status", deadline, () -> NOT_FINAL.stream().allMatch(status ->
                kpi.records().orders().list(OrderQuery.firstPage(1).withStatus(status)).items().isEmpty()));
        eventsDelivered(kpi, deadline);
    }

    /**
     * Waits until every event recorded so far has reached every subscriber and the queues are
     * idle; for after a synchronous change such as a refund, whose event is recorded before the
     * call returns.
     *
     * @throws IllegalStateException when that takes longer than {@code timeout}
     */
    static void eventsDelivered(OrderKpi kpi, Duration timeout) {
        eventsDelivered(kpi, deadline(timeout));
    }

    /**
     * Once the orders are final no new events come, so two plain checks in a row are enough:
     * first every subscriber has its events (a delivered event has already queued its
     * notification jobs), then the queue has run those jobs. Waiting for the queue too means
     * {@link OrderKpi#close()} does not leave notifications unsent.
     */
    private static void eventsDelivered(OrderKpi kpi, long deadline) {
        until("the outbox relay to deliver every event", deadline, () -> kpi.relay().subscriberNames().stream()
                .allMatch(subscriber -> kpi.records().outbox().pending(subscriber, 1).isEmpty()));
        until("the job queues to become idle", deadline, () -> kpi.queue().stats().values().stream()
                .allMatch(Settle::idle));
    }

    private static boolean idle(QueueStats stats) {
        return stats.pending() == 0 && stats.running() == 0;
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    /** Polls {@code done} until it holds or the deadline ({@link System#nanoTime()}) passes. */
    private static void until(String what, long deadline, BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("Gave up waiting for " + what
                        + "; check the log above for failed jobs or dead-lettered events");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
        }
    }
}
