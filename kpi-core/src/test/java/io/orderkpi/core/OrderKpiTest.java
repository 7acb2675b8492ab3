package io.orderkpi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderkpi.core.analytics.KpiZoneMismatchException;
import io.orderkpi.core.event.EventSubscriber;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.memory.MemoryJobStore;
import io.orderkpi.core.memory.MemoryKpiStore;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueClosedException;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.spi.KpiStore;
import io.orderkpi.core.spi.OrderRecords;
import io.orderkpi.core.spi.RecordStore;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrderKpiTest {

    @TempDir
    Path dir;

    static NewOrder newOrder(String number) {
        return new NewOrder(number, "c1", "Ann", "ann@example.com", OrderStatus.PENDING, Money.parse("12.00"), "USD",
                List.of(new OrderItem("P1", "Pen", "S1", 1, Money.parse("12.00"))), Instant.now());
    }

    OrderKpi.Builder quiet() {
        return OrderKpi.builder().simulation(1, 0, 0, 0).spoolDirectory(dir).shutdownGrace(Duration.ofSeconds(5));
    }

    /** An application's own subscriber, {@code audit}. */
    static EventSubscriber audit(Consumer<OutboxEvent> handler) {
        return new EventSubscriber() {
            @Override
            public String name() {
                return "audit";
            }

            @Override
            public void handle(OutboxEvent event) {
                handler.accept(event);
            }
        };
    }

    @Test
    void processesACreatedOrderAndDeliversItsEventsToAnExtraSubscriber() {
        List<EventType> seen = new CopyOnWriteArrayList<>();
        EventSubscriber audit = audit(event -> seen.add(event.type()));
        try (OrderKpi kpi = quiet().subscriber(audit).build()) {
            Order order = kpi.createOrder(newOrder("A-1"));
            kpi.process(order.id());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(seen).containsExactly(
                    EventType.ORDER_PROCESS_STARTED, EventType.STOCK_RESERVED, EventType.PAYMENT_PROCESSED,
                    EventType.ORDER_COMPLETED));
            assertThat(kpi.records().orders().get(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.COMPLETED);
        }
    }

    @Test
    void resumesOrdersLeftInAStepWhenItStarts() {
        MemoryRecordStore records = new MemoryRecordStore();
        Order order = records.orders().insert(newOrder("A-1"), List.of());
        records.orders().transition(order.id(), OrderStatus.PENDING, OrderStatus.RESERVING_STOCK, OrderChanges.none(),
                List.of());

        try (OrderKpi kpi = quiet().records(records).build()) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    records.orders().get(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.COMPLETED));
            assertThat(kpi.records()).isSameAs(records);
        }
    }

    @Test
    void refusesToStartOnKpiDataOfAnotherZone() {
        MemoryKpiStore kpis = MemoryKpiStore.builder().build();
        kpis.setZone(ZoneId.of("Europe/Paris"));

        assertThatThrownBy(() -> quiet().kpis(kpis).build()).isInstanceOf(KpiZoneMismatchException.class)
                .hasMessageContaining("Europe/Paris");
    }

    @Test
    void aStoreDownAtStartFailsBuildNamingItAndLeavesNoThreadRunning() {
        MemoryKpiStore real = MemoryKpiStore.builder().build();
        KpiStore down = (KpiStore) Proxy.newProxyInstance(KpiStore.class.getClassLoader(),
                new Class<?>[] {KpiStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return method.invoke(real, args);
                    }
                    throw new StoreUnavailableException("Connection refused: redis://127.0.0.1:1");
                });

        assertThatThrownBy(() -> quiet().kpis(down).build()).isInstanceOf(StoreUnavailableException.class)
                .hasMessage("OrderKPI could not start (checking the KPI store): "
                        + "Connection refused: redis://127.0.0.1:1");
        assertNoWorkerThreadLeft();
    }

    @Test
    void aRecordStoreDownAtTheStartUpSweepStopsTheStartedWorkersAndRelay() {
        MemoryRecordStore real = new MemoryRecordStore();
        OrderRecords orders = (OrderRecords) Proxy.newProxyInstance(OrderRecords.class.getClassLoader(),
                new Class<?>[] {OrderRecords.class}, (proxy, method, args) -> {
                    if (method.getName().equals("inProgress")) {
                        throw new StoreUnavailableException("Communications link failure");
                    }
                    return method.invoke(real.orders(), args);
                });
        RecordStore down = (RecordStore) Proxy.newProxyInstance(RecordStore.class.getClassLoader(),
                new Class<?>[] {RecordStore.class}, (proxy, method, args) -> method.getName().equals("orders")
                        ? orders : method.invoke(real, args));

        assertThatThrownBy(() -> quiet().records(down).build()).isInstanceOf(StoreUnavailableException.class)
                .hasMessage("OrderKPI could not start (sweeping unfinished work from the record store): "
                        + "Communications link failure");
        assertNoWorkerThreadLeft();
    }

    private static void assertNoWorkerThreadLeft() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(Thread::isAlive).extracting(Thread::getName)
                .noneMatch(name -> name.startsWith("okpi-")));
    }

    @Test
    void publishesItsMetersToAMicrometerRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String csv = "order_number,customer_id,total_amount,item1_product_id,item1_quantity,item1_unit_price\n"
                + "M-1,c1,5.00,P1,1,5.00\nM-2,c2,0,P1,1,5.00\n";
        try (OrderKpi kpi = quiet().meterRegistry(registry).build()) {
            var run = kpi.importStream(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                    ImportOptions.named("m.csv"), true).run();
            kpi.importer().awaitFinished(run.importId(), Duration.ofSeconds(10));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(registry.get("orderkpi.import.rows").tag("result", "imported").counter().count())
                        .isEqualTo(1);
                assertThat(registry.get("orderkpi.import.rows").tag("result", "rejected").counter().count())
                        .isEqualTo(1);
                assertThat(registry.get("orderkpi.kpi.facts").tag("result", "applied").functionCounter().count())
                        .isEqualTo(1);
                // The event can be delivered before the job that caused it is counted as done.
                assertThat(registry.get("orderkpi.queue.jobs").tag("queue", QueueNames.ORDER_PROCESSING)
                        .tag("state", "completed").gauge().value()).isEqualTo(1);
            });
            assertThat(registry.get("orderkpi.outbox.lag").tag("subscriber", "analytics").gauge().value()).isZero();
        }
    }

    @Test
    void processesTheOrdersOfEveryChunkOfAnImportThatAsksForIt() throws Exception {
        StringBuilder csv = new StringBuilder(
                "order_number,customer_id,total_amount,item1_product_id,item1_quantity,item1_unit_price\n");
        for (int i = 0; i < 40; i++) {
            csv.append("P-").append(i).append(",c").append(i % 7).append(",5.00,P1,1,5.00\n");
        }
        try (OrderKpi kpi = quiet().build()) {
            var run = kpi.importStream(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
                    ImportOptions.named("p.csv").withChunkSize(1), true).run();

            assertThat(run.processOrders()).isTrue();
            kpi.importer().awaitFinished(run.importId(), Duration.ofSeconds(20));
            assertThat(kpi.awaitIdle(Duration.ofSeconds(20))).isTrue();
            var page = kpi.records().orders().list(io.orderkpi.core.spi.OrderQuery.firstPage(100));
            assertThat(page.items()).hasSize(40)
                    .allSatisfy(order -> assertThat(order.status()).isEqualTo(OrderStatus.COMPLETED));
        }
    }

    @Test
    void refusesFewerWorkersThanQueues() {
        assertThatThrownBy(() -> OrderKpi.builder().workers(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one per queue");
    }

    @Test
    void purgeHistoryRemovesOnlyWhatIsOlderThanTheRetentionAndDelivered() throws Exception {
        SettableClock clock = new SettableClock(Instant.parse("2025-01-01T10:00:00Z"));
        MemoryRecordStore records = new MemoryRecordStore(clock);
        try (OrderKpi kpi = quiet().clock(clock).records(records).historyRetention(Duration.ofDays(90)).build()) {
            Order old = kpi.createOrder(newOrder("OLD-1"));
            kpi.process(old.id());
            assertThat(kpi.awaitIdle(Duration.ofSeconds(20))).isTrue();
            // Delivered to every subscriber and its notification sent: all of it is history now.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                for (String subscriber : kpi.relay().subscriberNames()) {
                    assertThat(records.outbox().pending(subscriber, 10)).as(subscriber).isEmpty();
                }
                assertThat(records.notifications().pending()).isEmpty();
            });
            int oldEvents = records.outbox().eventsOf(old.id()).size();
            assertThat(oldEvents).isPositive();

            clock.advance(Duration.ofDays(91));
            Order recent = kpi.createOrder(newOrder("NEW-1"));
            kpi.process(recent.id());
            assertThat(kpi.awaitIdle(Duration.ofSeconds(20))).isTrue();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(records.notifications().pending()).isEmpty());
            int recentEvents = records.outbox().eventsOf(recent.id()).size();
            int recentNotifications = records.notifications()
                    .list(io.orderkpi.core.spi.NotificationQuery.firstPage(100)).items().size();

            PurgeReport report = kpi.purgeHistory();

            assertThat(report.events()).isEqualTo(oldEvents);
            assertThat(report.notifications()).isPositive();
            assertThat(report.imports()).isZero();
            assertThat(records.outbox().eventsOf(old.id())).isEmpty();
            assertThat(records.outbox().eventsOf(recent.id())).hasSize(recentEvents);
            assertThat(records.notifications().list(io.orderkpi.core.spi.NotificationQuery.firstPage(100)).items())
                    .hasSize(recentNotifications - report.notifications())
                    .allSatisfy(notification -> assertThat(notification.orderId()).isEqualTo(recent.id()));
            assertThat(records.orders().get(old.id())).as("orders are never history").isPresent();
            assertThat(kpi.purgeHistory()).isEqualTo(PurgeReport.NONE);
        }
    }

    @Test
    void purgeHistoryKeepsTheEventsOfARegisteredSubscriberThatNoRunningProcessHas() throws Exception {
        SettableClock clock = new SettableClock(Instant.parse("2025-01-01T10:00:00Z"));
        MemoryRecordStore records = new MemoryRecordStore(clock);
        EventSubscriber audit = audit(event -> { });
        // A process with the application's audit subscriber ran once and is gone.
        try (OrderKpi withAudit = quiet().clock(clock).records(records).subscriber(audit).build()) {
            assertThat(records.outbox().subscribers()).contains("audit", "analytics", "notifications");
        }
        try (OrderKpi kpi = quiet().clock(clock).records(records).historyRetention(Duration.ofDays(90)).build()) {
            Order order = kpi.createOrder(newOrder("OLD-1"));
            kpi.process(order.id());
            assertThat(kpi.awaitIdle(Duration.ofSeconds(20))).isTrue();
            int events = records.outbox().eventsOf(order.id()).size();
            assertThat(events).isPositive();
            clock.advance(Duration.ofDays(91));

            assertThat(kpi.purgeHistory().events()).isZero();

            assertThat(records.outbox().eventsOf(order.id())).hasSize(events);
            assertThat(records.outbox().pending("audit", 100)).hasSize(events);
        }
    }

    @Test
    void purgeHistoryRemovesFailedJobsThatFailedBeforeTheRetention() throws Exception {
        SettableClock clock = new SettableClock(Instant.parse("2025-01-01T10:00:00Z"));
        MemoryJobStore jobs = new MemoryJobStore(clock);
        try (OrderKpi kpi = quiet().clock(clock).jobs(jobs).historyRetention(Duration.ofDays(90)).build()) {
            // A job type nobody handles fails at once: the quickest way to a failed job.
            UUID old = kpi.workers().enqueue(JobRequest.of(QueueNames.REFUNDS, "retired-type", "{}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> failedIds(kpi).contains(old));

            clock.advance(Duration.ofDays(90));
            assertThat(kpi.purgeHistory().failedJobs()).as("failed exactly a retention ago: kept").isZero();
            UUID recent = kpi.workers().enqueue(JobRequest.of(QueueNames.REFUNDS, "retired-type", "{}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> failedIds(kpi).contains(recent));
            clock.advance(Duration.ofMillis(1));

            PurgeReport report = kpi.purgeHistory();

            assertThat(report.failedJobs()).isEqualTo(1);
            assertThat(failedIds(kpi)).containsExactly(recent);
            assertThat(kpi.jobs().stats().get(QueueNames.REFUNDS).failed()).isEqualTo(1);
        }
    }

    private static List<UUID> failedIds(OrderKpi kpi) {
        return kpi.jobs().failed(null, null, Long.MAX_VALUE, 100).items().stream().map(FailedJob::id).toList();
    }

    @Test
    void aClosedInstanceRefusesNewJobsWithItsOwnException() {
        OrderKpi kpi = quiet().build();
        Order order = kpi.createOrder(newOrder("LATE-1"));

        kpi.close();

        assertThatThrownBy(() -> kpi.process(order.id())).isInstanceOf(QueueClosedException.class)
                .hasMessageContaining(QueueNames.ORDER_PROCESSING).hasMessageContaining("order.process");
        assertThat(kpi.workers().isRunning()).isFalse();
    }

    @Test
    void aZeroHistoryRetentionKeepsEverything() {
        try (OrderKpi kpi = quiet().historyRetention(Duration.ZERO).build()) {
            kpi.createOrder(newOrder("A-1"));

            assertThat(kpi.purgeHistory()).isEqualTo(PurgeReport.NONE);
        }
        assertThatThrownBy(() -> OrderKpi.builder().historyRetention(Duration.ofDays(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
