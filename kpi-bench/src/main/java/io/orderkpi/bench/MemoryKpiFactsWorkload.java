package io.orderkpi.bench;

import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.memory.MemoryKpiStore;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * P4: KPI facts applied to the in-memory store from four threads (each fact exactly once, with
 * its day's counters, customer set and leaderboard), against a {@code ConcurrentHashMap} of
 * {@code LongAdder}s doing the same increments without any idempotency or ordering.
 */
final class MemoryKpiFactsWorkload implements Workload {

    private static final int THREADS = 4;
    private static final int FULL_FACTS = 2_000_000;
    private static final int DAYS = 30;
    private static final int CUSTOMERS = 10_000;

    @Override
    public String id() {
        return "P4";
    }

    @Override
    public String title() {
        return "KPI facts, memory store, 4 threads";
    }

    @Override
    public String unit() {
        return "facts/s";
    }

    @Override
    public Goal goal() {
        return Goal.atLeast(0.3);
    }

    @Override
    public Outcome run(Mode mode) throws Exception {
        List<KpiFact> facts = facts(mode.size(FULL_FACTS, 20_000));
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            return Pairs.measure(mode, () -> {
                try (MemoryKpiStore store = MemoryKpiStore.builder().build()) {
                    return inParallel(threads, facts, store::apply);
                }
            }, () -> {
                Map<String, LongAdder> adders = new ConcurrentHashMap<>();
                return inParallel(threads, facts, fact -> increments(adders, fact));
            }, Map.of("facts", Integer.toString(facts.size()), "threads", Integer.toString(THREADS)));
        } finally {
            threads.shutdownNow();
        }
    }

    /** Completed orders spread over the days and customers, every tenth a refund: distinct keys. */
    private static List<KpiFact> facts(int count) {
        LocalDate first = LocalDate.of(2025, 10, 1);
        List<KpiFact> facts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            LocalDate day = first.plusDays(i % DAYS);
            String customer = "cust-" + (i * 7919L % CUSTOMERS);
            facts.add(i % 10 == 9
                    ? KpiFact.refund("r-" + i, day, customer, 500)
                    : KpiFact.completed(i, day, customer, 1_000 + i % 5_000));
        }
        return facts;
    }

    /** The counters a fact moves: the day's revenue or refunds, its order count, the customer's spend. */
    private static void increments(Map<String, LongAdder> adders, KpiFact fact) {
        String day = fact.day().toString();
        boolean refund = fact.kind() == KpiFact.Kind.REFUND;
        add(adders, day + (refund ? ":refunds" : ":gross"), fact.cents());
        if (!refund) {
            add(adders, day + ":successful", 1);
        }
        add(adders, day + ":spend:" + fact.customerId(), refund ? -fact.cents() : fact.cents());
    }

    private static void add(Map<String, LongAdder> adders, String key, long value) {
        adders.computeIfAbsent(key, k -> new LongAdder()).add(value);
    }

    private static double inParallel(ExecutorService threads, List<KpiFact> facts, Consumer<KpiFact> apply)
            throws Exception {
        int slice = (facts.size() + THREADS - 1) / THREADS;
        List<Future<?>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            List<KpiFact> mine = facts.subList(Math.min(t * slice, facts.size()), Math.min((t + 1) * slice, facts.size()));
            done.add(threads.submit(() -> mine.forEach(apply)));
        }
        for (Future<?> future : done) {
            future.get();
        }
        return Pairs.perSecond(facts.size(), System.nanoTime() - start);
    }
}
