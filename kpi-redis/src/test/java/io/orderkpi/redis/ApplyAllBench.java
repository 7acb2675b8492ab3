package io.orderkpi.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.orderkpi.core.kpi.KpiFact;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * BENCHMARKS.md P3 until kpi-bench exists: KPI facts per second through {@link RedisKpiStore#applyAll}
 * against a bare Lettuce loop sending the same script with pipelined {@code EVALSHA}, its keys and
 * arguments built before the clock starts. A program, not a test (nothing asserts a time):
 * {@code java -cp … io.orderkpi.redis.ApplyAllBench [redis-uri]}, with {@code -Dbatch=500 -Ddays=3
 * -Dreps=5}. Writes under {@code okpi-bench-*} keys and deletes them.
 */
public final class ApplyAllBench {

    private static final LocalDate DAY = LocalDate.of(2025, 11, 16);
    private static final int FACTS = 200_000;

    private ApplyAllBench() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
        int batch = Integer.getInteger("batch", 500);
        int days = Integer.getInteger("days", 3);
        int reps = Integer.getInteger("reps", 5);
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().scriptLoad(KpiScript.APPLY.source());
            List<Double> ours = new ArrayList<>();
            List<Double> bare = new ArrayList<>();
            // The first round warms both up and is not counted.
            for (int rep = -1; rep < reps; rep++) {
                List<KpiFact> facts = facts(days, rep);
                // Alternating which goes first, so neither gains from the other's warm-up or garbage.
                double oursRate;
                double bareRate;
                if (rep % 2 == 0) {
                    oursRate = throughStore(client, connection, facts, batch);
                    bareRate = bareLoop(connection, facts, batch);
                } else {
                    bareRate = bareLoop(connection, facts, batch);
                    oursRate = throughStore(client, connection, facts, batch);
                }
                if (rep >= 0) {
                    ours.add(oursRate);
                    bare.add(bareRate);
                }
            }
            Collections.sort(ours);
            Collections.sort(bare);
            System.out.printf("facts=%d batch=%d days/batch=%d reps=%d%n", FACTS, batch, days, reps);
            System.out.printf("applyAll      median %,.0f facts/s (%,.0f–%,.0f)%n", ours.get(reps / 2), ours.get(0), ours.get(reps - 1));
            System.out.printf("bare EVALSHA  median %,.0f facts/s (%,.0f–%,.0f)%n", bare.get(reps / 2), bare.get(0), bare.get(reps - 1));
            System.out.printf("ratio %.2f%n", ours.get(reps / 2) / bare.get(reps / 2));
        } finally {
            client.shutdown();
        }
    }

    private static double throughStore(RedisClient client, StatefulRedisConnection<String, String> connection,
            List<KpiFact> facts, int batch) {
        String prefix = "okpi-bench-" + UUID.randomUUID();
        try (RedisKpiStore store = RedisKpiStore.builder().client(client).prefix(prefix).retention(Duration.ofHours(1)).build()) {
            store.zone();
            long start = System.nanoTime();
            int applied = 0;
            for (int from = 0; from < facts.size(); from += batch) {
                applied += store.applyAll(facts.subList(from, Math.min(facts.size(), from + batch)));
            }
            double rate = applied / ((System.nanoTime() - start) / 1e9);
            check(applied, facts.size());
            return rate;
        } finally {
            delete(connection.sync(), prefix);
        }
    }

    private static double bareLoop(StatefulRedisConnection<String, String> connection, List<KpiFact> facts, int batch)
            throws Exception {
        String prefix = "okpi-bench-" + UUID.randomUUID();
        RedisKeys keys = new RedisKeys(prefix);
        List<List<String[]>> batches = new ArrayList<>();
        for (int from = 0; from < facts.size(); from += batch) {
            Map<LocalDate, List<KpiFact>> byDay = new LinkedHashMap<>();
            for (KpiFact fact : facts.subList(from, Math.min(facts.size(), from + batch))) {
                byDay.computeIfAbsent(fact.day(), day -> new ArrayList<>()).add(fact);
            }
            List<String[]> scripts = new ArrayList<>();
            byDay.forEach((day, dayFacts) -> {
                scripts.add(keys.day(day));
                scripts.add(RedisKpiStore.applyArguments(Long.toString(Duration.ofHours(1).toMillis()), dayFacts));
            });
            batches.add(scripts);
        }
        RedisAsyncCommands<String, String> redis = connection.async();
        try {
            long start = System.nanoTime();
            long applied = 0;
            List<RedisFuture<Long>> inFlight = new ArrayList<>();
            for (List<String[]> scripts : batches) {
                inFlight.clear();
                for (int i = 0; i < scripts.size(); i += 2) {
                    inFlight.add(redis.evalsha(KpiScript.APPLY.sha(), KpiScript.APPLY.output(), scripts.get(i), scripts.get(i + 1)));
                }
                for (RedisFuture<Long> result : inFlight) {
                    applied += result.get(10, TimeUnit.SECONDS);
                }
            }
            double rate = applied / ((System.nanoTime() - start) / 1e9);
            check(applied, facts.size());
            return rate;
        } finally {
            delete(connection.sync(), prefix);
        }
    }

    /** Every kind of fact over {@code days} days, 10,000 customers; refund ids differ per round. */
    private static List<KpiFact> facts(int days, int round) {
        List<KpiFact> facts = new ArrayList<>(FACTS);
        for (int i = 0; i < FACTS; i++) {
            LocalDate day = DAY.plusDays(i % days);
            String customer = "customer-" + (i % 10_000);
            facts.add(switch (i % 10) {
                case 8 -> KpiFact.refund("r-" + round + "-" + i, day, customer, 100);
                case 9 -> KpiFact.failed(i, day, customer);
                default -> KpiFact.completed(i, day, customer, 1_000 + i % 5_000);
            });
        }
        return facts;
    }

    private static void check(long applied, int expected) {
        if (applied != expected) {
            throw new IllegalStateException("Applied " + applied + " facts of " + expected);
        }
    }

    private static void delete(RedisCommands<String, String> redis, String prefix) {
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + ":*").limit(1_000));
            if (!page.getKeys().isEmpty()) {
                redis.unlink(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }
}
