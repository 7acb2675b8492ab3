package io.orderkpi.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.orderkpi.core.analytics.Analytics;
import io.orderkpi.core.analytics.RangeReport;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.redis.BenchAccess;
import io.orderkpi.redis.RedisKpiStore;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * P7: the range report over 30 days of 10,000 customers each (totals and the exact number of
 * distinct customers) through {@link Analytics#range} on {@link RedisKpiStore}, against reading
 * the same keys raw in one pipeline (every day's counters hash and customer set at once) and
 * counting the union in a {@code HashSet}. The days are filled once, before either is timed.
 */
final class RedisRangeReportWorkload implements Workload {

    private static final int DAYS = 30;
    private static final int FULL_CUSTOMERS = 10_000;
    private static final int FULL_REPORTS = 10;
    private static final LocalDate FROM = LocalDate.of(2025, 10, 1);
    private static final LocalDate TO = FROM.plusDays(DAYS - 1);
    private static final Duration RETENTION = Duration.ofHours(1);

    @Override
    public String id() {
        return "P7";
    }

    @Override
    public String title() {
        return "range report 30 d × 10k customers";
    }

    @Override
    public String unit() {
        return "reports/s";
    }

    @Override
    public Goal goal() {
        return Goal.atLeast(0.5);
    }

    @Override
    public Outcome run(Mode mode) throws Exception {
        // Quick mode keeps the full data set: the report's cost is its size, the runs are short.
        int customers = mode == Mode.SMOKE ? 200 : FULL_CUSTOMERS;
        int reports = mode.size(FULL_REPORTS, 2);
        RedisClient client = Backends.redisClient();
        String prefix = Backends.newRedisPrefix();
        try (StatefulRedisConnection<String, String> connection = client.connect();
                RedisKpiStore store = RedisKpiStore.builder().client(client).prefix(prefix).retention(RETENTION)
                        .build();
                MemoryRecordStore records = new MemoryRecordStore()) {
            try {
                // Each day has every customer (a third of them the same each day, the rest
                // shifted), so the union is exact work: more than the customers of any one day.
                fill(store, customers);
                long distinct = customers + (long) (DAYS - 1) * (customers - customers / 3);
                Analytics analytics = new Analytics(records, store, ZoneOffset.UTC);
                return Pairs.measure(mode, () -> throughAnalytics(analytics, reports, distinct),
                        () -> rawPipeline(connection, prefix, reports, distinct),
                        Map.of("days", Integer.toString(DAYS), "customers_per_day", Integer.toString(customers),
                                "distinct_customers", Long.toString(distinct), "reports_per_run",
                                Integer.toString(reports)));
            } finally {
                Backends.deleteKeys(connection.sync(), prefix);
            }
        } finally {
            client.shutdown();
        }
    }

    private static void fill(RedisKpiStore store, int customers) {
        List<KpiFact> batch = new ArrayList<>();
        long order = 0;
        for (int d = 0; d < DAYS; d++) {
            LocalDate day = FROM.plusDays(d);
            for (int c = 0; c < customers; c++) {
                batch.add(KpiFact.completed(++order, day, customer(d, c, customers), 1_000 + c % 5_000));
                if (batch.size() == 1_000) {
                    store.applyAll(batch);
                    batch.clear();
                }
            }
        }
        store.applyAll(batch);
    }

    /** The first third of the customers are regulars; the others are new each day. */
    private static String customer(int day, int index, int customers) {
        return index < customers / 3 ? "customer-" + index : "customer-" + (index + (long) day * customers);
    }

    private static double throughAnalytics(Analytics analytics, int reports, long distinct) {
        long start = System.nanoTime();
        for (int i = 0; i < reports; i++) {
            RangeReport report = analytics.range(FROM, TO);
            check(report.uniqueCustomers(), distinct);
        }
        return Pairs.perSecond(reports, System.nanoTime() - start);
    }

    private static double rawPipeline(StatefulRedisConnection<String, String> connection, String prefix, int reports,
            long distinct) throws Exception {
        List<String> totalsKeys = new ArrayList<>();
        List<String> customerKeys = new ArrayList<>();
        for (int d = 0; d < DAYS; d++) {
            totalsKeys.add(BenchAccess.totalsKey(prefix, FROM.plusDays(d)));
            customerKeys.add(BenchAccess.customersKey(prefix, FROM.plusDays(d)));
        }
        RedisAsyncCommands<String, String> redis = connection.async();
        long start = System.nanoTime();
        for (int i = 0; i < reports; i++) {
            List<RedisFuture<Map<String, String>>> totals = new ArrayList<>(DAYS);
            List<RedisFuture<Set<String>>> members = new ArrayList<>(DAYS);
            for (int d = 0; d < DAYS; d++) {
                totals.add(redis.hgetall(totalsKeys.get(d)));
                members.add(redis.smembers(customerKeys.get(d)));
            }
            long successful = 0;
            for (RedisFuture<Map<String, String>> day : totals) {
                successful += Long.parseLong(day.get(30, TimeUnit.SECONDS).getOrDefault("success", "0"));
            }
            Set<String> union = new HashSet<>();
            for (RedisFuture<Set<String>> day : members) {
                union.addAll(day.get(30, TimeUnit.SECONDS));
            }
            if (successful <= 0) {
                throw new IllegalStateException("no completed orders read from " + totalsKeys.get(0));
            }
            check(union.size(), distinct);
        }
        return Pairs.perSecond(reports, System.nanoTime() - start);
    }

    private static void check(long customers, long expected) {
        if (customers != expected) {
            throw new IllegalStateException(customers + " distinct customers counted, " + expected + " expected");
        }
    }
}
