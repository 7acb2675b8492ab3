package io.orderkpi.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.redis.BenchAccess;
import io.orderkpi.redis.RedisKpiStore;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * P3: KPI facts into Redis through {@link RedisKpiStore#applyAll}, in batches of the outbox
 * relay's size, against a bare Lettuce loop sending the store's own apply script with pipelined
 * {@code EVALSHA} (one script per day of a batch, like the store), its keys and arguments built
 * before the clock starts. Both apply each fact exactly once; every run uses a fresh key prefix.
 */
final class RedisKpiFactsWorkload implements Workload {

    private static final int FULL_FACTS = 200_000;
    /** The outbox relay's batch: what {@code Analytics} hands the store at a time. */
    private static final int RELAY_BATCH = 256;
    private static final int DAYS = 3;
    private static final int CUSTOMERS = 10_000;
    private static final Duration RETENTION = Duration.ofHours(1);
    private static final LocalDate FIRST_DAY = LocalDate.of(2025, 11, 16);

    @Override
    public String id() {
        return "P3";
    }

    @Override
    public String title() {
        return "KPI facts into Redis";
    }

    @Override
    public String unit() {
        return "facts/s";
    }

    @Override
    public Goal goal() {
        return Goal.atLeast(0.8);
    }

    @Override
    public Outcome run(Mode mode) throws Exception {
        List<KpiFact> facts = facts(mode.size(FULL_FACTS, 2_000));
        RedisClient client = Backends.redisClient();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return Pairs.measure(mode, () -> throughStore(client, connection, facts),
                    () -> bareLoop(connection, facts),
                    Map.of("facts", Integer.toString(facts.size()), "batch", Integer.toString(RELAY_BATCH),
                            "days", Integer.toString(DAYS), "redis", Backends.redacted(Backends.redisUrl())));
        } finally {
            client.shutdown();
        }
    }

    private static double throughStore(RedisClient client, StatefulRedisConnection<String, String> connection,
            List<KpiFact> facts) {
        String prefix = Backends.newRedisPrefix();
        try (RedisKpiStore store = RedisKpiStore.builder().client(client).prefix(prefix).retention(RETENTION).build()) {
            store.zone(); // connects before the clock starts
            long start = System.nanoTime();
            long applied = 0;
            for (int from = 0; from < facts.size(); from += RELAY_BATCH) {
                applied += store.applyAll(facts.subList(from, Math.min(facts.size(), from + RELAY_BATCH)));
            }
            long nanos = System.nanoTime() - start;
            check(applied, facts.size());
            return Pairs.perSecond(applied, nanos);
        } finally {
            Backends.deleteKeys(connection.sync(), prefix);
        }
    }

    private static double bareLoop(StatefulRedisConnection<String, String> connection, List<KpiFact> facts)
            throws Exception {
        String prefix = Backends.newRedisPrefix();
        List<List<Script>> batches = new ArrayList<>();
        for (int from = 0; from < facts.size(); from += RELAY_BATCH) {
            Map<LocalDate, List<KpiFact>> byDay = new LinkedHashMap<>();
            for (KpiFact fact : facts.subList(from, Math.min(facts.size(), from + RELAY_BATCH))) {
                byDay.computeIfAbsent(fact.day(), day -> new ArrayList<>()).add(fact);
            }
            List<Script> scripts = new ArrayList<>();
            byDay.forEach((day, dayFacts) -> scripts.add(new Script(BenchAccess.dayKeys(prefix, day),
                    BenchAccess.applyArguments(RETENTION, dayFacts))));
            batches.add(scripts);
        }
        RedisAsyncCommands<String, String> redis = connection.async();
        connection.sync().scriptLoad(BenchAccess.applyScriptSource());
        try {
            long start = System.nanoTime();
            long applied = 0;
            List<RedisFuture<Long>> inFlight = new ArrayList<>();
            for (List<Script> scripts : batches) {
                inFlight.clear();
                for (Script script : scripts) {
                    inFlight.add(redis.evalsha(BenchAccess.applyScriptSha(), BenchAccess.applyScriptOutput(),
                            script.keys(), script.arguments()));
                }
                for (RedisFuture<Long> result : inFlight) {
                    applied += result.get(30, TimeUnit.SECONDS);
                }
            }
            long nanos = System.nanoTime() - start;
            check(applied, facts.size());
            return Pairs.perSecond(applied, nanos);
        } finally {
            Backends.deleteKeys(connection.sync(), prefix);
        }
    }

    private record Script(String[] keys, String[] arguments) {
    }

    /** Completed (80 %), refunded and failed orders over a few days and 10,000 customers. */
    private static List<KpiFact> facts(int count) {
        List<KpiFact> facts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            LocalDate day = FIRST_DAY.plusDays(i % DAYS);
            String customer = "customer-" + (i % CUSTOMERS);
            facts.add(switch (i % 10) {
                case 8 -> KpiFact.refund("r-" + i, day, customer, 100);
                case 9 -> KpiFact.failed(i, day, customer);
                default -> KpiFact.completed(i, day, customer, 1_000 + i % 5_000);
            });
        }
        return facts;
    }

    private static void check(long applied, int expected) {
        if (applied != expected) {
            throw new IllegalStateException("applied " + applied + " facts of " + expected);
        }
    }
}
