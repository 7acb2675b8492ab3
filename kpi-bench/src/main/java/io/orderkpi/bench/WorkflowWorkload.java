package io.orderkpi.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.lettuce.core.RedisClient;
import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.memory.MemoryKpiStore;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.spi.KpiStore;
import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.mysql.MySqlDataSources;
import io.orderkpi.mysql.MySqlRecordStore;
import io.orderkpi.mysql.SchemaMigration;
import io.orderkpi.redis.RedisJobStore;
import io.orderkpi.redis.RedisKpiStore;
import io.orderkpi.redis.RedisLease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * P5: orders through the whole workflow (reserve, charge, finalize, KPIs, log notifications) with
 * simulated gateways and no latency, against the sum of its parts measured alone: the same orders
 * and status changes written straight to the record store, plus their KPI facts applied straight
 * to the KPI store in the relay's batches (on MySQL and Redis from as many threads as the facade
 * has order-processing workers). Two rows: everything in memory, and the stores a
 * server configured with MySQL and Redis uses (MySQL records, Redis KPIs, and SPEC §8's default
 * job store for that configuration, Redis Streams, with the relay's lease on Redis). Each run of
 * the second row has a database and key prefix of its own.
 */
final class WorkflowWorkload implements Workload {

    /** Where the stores live. */
    enum Stores {
        MEMORY, MYSQL_REDIS
    }

    private static final int FULL_MEMORY_ORDERS = 20_000;
    private static final int FULL_DATABASE_ORDERS = 500;
    private static final int RELAY_BATCH = 256;
    /** The facade's order-processing workers (its default of 8 workers gives that queue 4). */
    private static final int PARALLEL_PARTS = 4;
    private static final Instant PLACED = Instant.parse("2025-11-16T10:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2025, 11, 16);
    private static final List<OrderStatus> PATH = List.of(OrderStatus.PENDING, OrderStatus.RESERVING_STOCK,
            OrderStatus.STOCK_RESERVED, OrderStatus.PROCESSING_PAYMENT, OrderStatus.PAYMENT_SUCCEEDED,
            OrderStatus.COMPLETED);

    private final Stores stores;

    WorkflowWorkload(Stores stores) {
        this.stores = stores;
    }

    @Override
    public String id() {
        return stores == Stores.MEMORY ? "P5" : "P5-db";
    }

    @Override
    public String title() {
        return stores == Stores.MEMORY ? "workflow end to end, memory" : "workflow end to end, MySQL + Redis";
    }

    @Override
    public String unit() {
        return "orders/s";
    }

    @Override
    public Goal goal() {
        return Goal.atLeast(0.5);
    }

    @Override
    public Outcome run(Mode mode) throws Exception {
        Map<String, String> notes = Map.of("failure_rates", "0 (every order completes)");
        if (stores == Stores.MEMORY) {
            int count = mode.size(FULL_MEMORY_ORDERS, 200);
            return Pairs.measure(mode, () -> workflow(count, RunStores.memory()),
                    () -> partsAlone(count, RunStores.memory()), with(notes, count));
        }
        int count = mode == Mode.SMOKE ? 20 : mode.size(FULL_DATABASE_ORDERS, 100);
        RedisClient client = Backends.redisClient();
        try {
            return Pairs.measure(mode, () -> workflow(count, RunStores.mysqlRedis(client)),
                    () -> partsAlone(count, RunStores.mysqlRedis(client)),
                    with(Map.of("job_store", "redis (SPEC §8 default with Redis)", "failure_rates",
                            notes.get("failure_rates")), count));
        } finally {
            client.shutdown();
        }
    }

    private static Map<String, String> with(Map<String, String> notes, int count) {
        Map<String, String> all = new TreeMap<>(notes);
        all.put("orders", Integer.toString(count));
        return all;
    }

    private static NewOrder order(int i) {
        Money price = Money.ofCents(1_000 + i % 900);
        return new NewOrder("BENCH-" + i, "cust-" + i % 1_000, "Customer " + i, "c" + i + "@example.com",
                OrderStatus.PENDING, price, "USD", List.of(new OrderItem("P" + i % 50, "Product", "SKU", 1, price)),
                PLACED);
    }

    /** Every order completes, so ours and the parts do the same status changes and facts. */
    private static double workflow(int count, RunStores stores) throws Exception {
        try (stores) {
            OrderKpi.Builder builder = OrderKpi.builder().simulation(5, 0, 0, 0).historyRetention(Duration.ZERO);
            stores.wiring().accept(builder);
            try (OrderKpi kpi = builder.build()) {
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    kpi.process(kpi.createOrder(order(i)).id());
                }
                if (!kpi.awaitIdle(Duration.ofMinutes(5))) {
                    throw new IllegalStateException("the workflow did not settle within 5 minutes");
                }
                long nanos = System.nanoTime() - start;
                long completed = kpi.analytics().range(DAY, DAY).successfulOrders();
                if (completed != count) {
                    throw new IllegalStateException(completed + " of " + count + " orders completed");
                }
                return Pairs.perSecond(count, nanos);
            }
        }
    }

    /**
     * The parts alone. In memory on one thread, as it always was; on MySQL and Redis on as many
     * threads as the facade runs order-processing workers, since there each part waits for its
     * round trips and a single thread would be no limit for ours at all.
     */
    private double partsAlone(int count, RunStores stores) throws Exception {
        try (stores) {
            if (this.stores == Stores.MEMORY) {
                long start = System.nanoTime();
                writeParts(stores, 0, count);
                return Pairs.perSecond(count, System.nanoTime() - start);
            }
            ExecutorService threads = Executors.newFixedThreadPool(PARALLEL_PARTS);
            try {
                List<Future<?>> done = new ArrayList<>();
                int slice = (count + PARALLEL_PARTS - 1) / PARALLEL_PARTS;
                long start = System.nanoTime();
                for (int t = 0; t < PARALLEL_PARTS; t++) {
                    int from = Math.min(count, t * slice);
                    int to = Math.min(count, from + slice);
                    done.add(threads.submit(() -> {
                        writeParts(stores, from, to);
                        return null;
                    }));
                }
                for (Future<?> part : done) {
                    part.get();
                }
                return Pairs.perSecond(count, System.nanoTime() - start);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    /** Orders {@code [from, to)}: stored, taken through every status, their facts in relay batches. */
    private static void writeParts(RunStores stores, int from, int to) {
        RecordStore records = stores.records();
        KpiStore kpis = stores.kpis();
        List<Order> stored = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            stored.add(records.orders().insert(order(i), List.of()));
        }
        List<KpiFact> facts = new ArrayList<>(RELAY_BATCH);
        for (Order order : stored) {
            for (int step = 1; step < PATH.size(); step++) {
                records.orders().transition(order.id(), PATH.get(step - 1), PATH.get(step), OrderChanges.none(),
                        List.of(NewEvent.of(EventType.ORDER_PROCESS_STARTED, Map.of())));
            }
            facts.add(KpiFact.completed(order.id(), PLACED.atZone(ZoneOffset.UTC).toLocalDate(),
                    order.customerId(), order.totalAmount().cents()));
            if (facts.size() == RELAY_BATCH) {
                kpis.applyAll(facts);
                facts.clear();
            }
        }
        kpis.applyAll(facts);
    }

    /**
     * The stores of one run: how the facade is given them, the record and KPI stores the parts
     * write to, and everything to close (and drop) afterwards, newest first.
     */
    private record RunStores(Consumer<OrderKpi.Builder> wiring, RecordStore records, KpiStore kpis,
            Deque<AutoCloseable> owned) implements AutoCloseable {

        /** In memory; the facade builds its own, as before the database variant existed. */
        static RunStores memory() {
            Deque<AutoCloseable> owned = new ArrayDeque<>();
            MemoryRecordStore records = push(owned, new MemoryRecordStore());
            MemoryKpiStore kpis = push(owned, MemoryKpiStore.builder().build());
            return new RunStores(builder -> { }, records, kpis, owned);
        }

        /** As kpi-server's store wiring does for MySQL and Redis URLs, on a fresh database and prefix. */
        static RunStores mysqlRedis(RedisClient client) {
            Deque<AutoCloseable> owned = new ArrayDeque<>();
            try {
                Backends.MySqlDatabase database = push(owned, Backends.newDatabase());
                HikariDataSource pool = push(owned, MySqlDataSources.pool(database.url(), null, null));
                MySqlRecordStore records = MySqlRecordStore.on(pool, Clock.systemUTC(), SchemaMigration.AUTO);
                String prefix = Backends.newRedisPrefix();
                push(owned, () -> {
                    try (var connection = client.connect()) {
                        Backends.deleteKeys(connection.sync(), prefix);
                    }
                });
                RedisKpiStore kpis = push(owned, RedisKpiStore.builder().client(client).prefix(prefix)
                        .retention(Duration.ofDays(30)).build());
                RedisLease lease = push(owned, RedisLease.builder().client(client).prefix(prefix).build());
                RedisJobStore jobs = push(owned, RedisJobStore.builder().client(client).prefix(prefix).build());
                return new RunStores(builder -> builder.records(records).kpis(kpis).jobs(jobs).lease(lease)
                        .jobClock(jobs.clock()), records, kpis, owned);
            } catch (RuntimeException e) {
                new RunStores(builder -> { }, null, null, owned).close();
                throw e;
            }
        }

        private static <T extends AutoCloseable> T push(Deque<AutoCloseable> owned, T resource) {
            owned.push(resource);
            return resource;
        }

        @Override
        public void close() {
            while (!owned.isEmpty()) {
                try {
                    owned.pop().close();
                } catch (Exception e) {
                    System.err.println("kpi-bench: closing a store failed: " + e);
                }
            }
        }
    }
}
