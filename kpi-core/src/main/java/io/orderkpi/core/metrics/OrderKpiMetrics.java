package io.orderkpi.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderkpi.core.analytics.Analytics;
import io.orderkpi.core.relay.OutboxRelay;
import io.orderkpi.core.imports.ChunkOutcome;
import io.orderkpi.core.importer.ImportListener;
import io.orderkpi.core.importer.OrderImporter;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.queue.QueueStats;
import io.orderkpi.core.spi.JobStore;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Binds OrderKPI's meters to a Micrometer registry. Loaded only when the application passes a
 * registry, so Micrometer stays an optional dependency (as in HikariCP). Meter names follow
 * SPEC §9 once a Prometheus registry renders them: {@code orderkpi_queue_jobs{queue,state}},
 * {@code orderkpi_outbox_lag_seconds{subscriber}}, {@code orderkpi_outbox_dead_letters{subscriber}},
 * {@code orderkpi_kpi_facts_total{result}},
 * {@code orderkpi_import_rows_total{result}}.
 */
public final class OrderKpiMetrics {

    private OrderKpiMetrics() {
    }

    /**
     * @param registry a {@code io.micrometer.core.instrument.MeterRegistry}
     * @throws IllegalArgumentException when it is not one
     */
    public static void bind(Object registry, JobStore queue, OutboxRelay relay, Analytics analytics,
            OrderImporter importer) {
        if (!(registry instanceof MeterRegistry meters)) {
            throw new IllegalArgumentException("Not a Micrometer MeterRegistry: " + registry.getClass().getName());
        }
        for (String name : QueueNames.ALL) {
            queueGauge(meters, queue, name, "pending", QueueStats::pending);
            queueGauge(meters, queue, name, "running", QueueStats::running);
            queueGauge(meters, queue, name, "completed", QueueStats::completed);
            queueGauge(meters, queue, name, "failed", QueueStats::failed);
            Gauge.builder("orderkpi.queue.throughput.per.minute", queue,
                    q -> stat(q, name, QueueStats::throughputPerMinute)).tag("queue", name).register(meters);
            Gauge.builder("orderkpi.queue.wait.p95", queue, q -> stat(q, name, QueueStats::waitP95Millis) / 1000.0)
                    .baseUnit("seconds").tag("queue", name).register(meters);
        }
        for (String subscriber : relay.subscriberNames()) {
            Gauge.builder("orderkpi.outbox.lag", relay, r -> r.lag(subscriber).toMillis() / 1000.0)
                    .baseUnit("seconds").tag("subscriber", subscriber)
                    .description("Age of the oldest event not yet delivered to the subscriber").register(meters);
            Gauge.builder("orderkpi.outbox.dead.letters", relay, r -> r.deadLetterCount(subscriber))
                    .tag("subscriber", subscriber)
                    .description("Events dead-lettered for the subscriber (SPEC §8)").register(meters);
        }
        FunctionCounter.builder("orderkpi.kpi.facts", analytics, Analytics::appliedFacts).tag("result", "applied")
                .register(meters);
        FunctionCounter.builder("orderkpi.kpi.facts", analytics, Analytics::duplicateFacts).tag("result", "duplicate")
                .register(meters);
        Map<String, Counter> rows = Map.of(
                "imported", Counter.builder("orderkpi.import.rows").tag("result", "imported").register(meters),
                "skipped_existing", Counter.builder("orderkpi.import.rows").tag("result", "skipped_existing")
                        .register(meters),
                "rejected", Counter.builder("orderkpi.import.rows").tag("result", "rejected").register(meters));
        importer.addListener(new ImportListener() {
            @Override
            public void onChunkApplied(ChunkOutcome outcome) {
                rows.get("imported").increment(outcome.inserted().size());
                rows.get("skipped_existing").increment(outcome.skipped().size());
            }
        });
        importer.addListener(new RejectedRowCounter(rows.get("rejected")));
    }

    private static void queueGauge(MeterRegistry meters, JobStore queue, String name, String state,
            ToDoubleFunction<QueueStats> value) {
        Gauge.builder("orderkpi.queue.jobs", queue, q -> stat(q, name, value)).tag("queue", name).tag("state", state)
                .register(meters);
    }

    private static double stat(JobStore queue, String name, ToDoubleFunction<QueueStats> value) {
        QueueStats stats = queue.stats().get(name);
        return stats == null ? 0 : value.applyAsDouble(stats);
    }

    /** Counts rejected rows from the counters of each applied chunk (the outcome lists no rows). */
    private static final class RejectedRowCounter implements ImportListener {
        private final Counter rejected;
        private final Map<String, Long> seen = new java.util.concurrent.ConcurrentHashMap<>();

        RejectedRowCounter(Counter rejected) {
            this.rejected = rejected;
        }

        @Override
        public void onChunkApplied(ChunkOutcome outcome) {
            long total = outcome.run().counters().rejected();
            Long before = seen.put(outcome.run().importId(), total);
            rejected.increment(total - (before == null ? 0 : before));
            if (outcome.run().state().isFinished()) {
                seen.remove(outcome.run().importId());
            }
        }
    }
}
