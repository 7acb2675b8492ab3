package io.orderkpi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.memory.MemoryJobStore;
import io.orderkpi.core.memory.MemoryKpiStore;
import io.orderkpi.core.memory.MemoryLease;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.queue.ClaimedJob;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.spi.ForwardingJobStore;
import io.orderkpi.core.spi.JobStore;
import io.orderkpi.core.spi.NotificationQuery;
import io.orderkpi.core.spi.OrderQuery;
import io.orderkpi.core.spi.Page;
import io.orderkpi.core.workflow.SimulatedPaymentGateway;
import io.orderkpi.core.workflow.SimulatedStockService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one record store, KPI store, job store and lease, as two server processes
 * share MySQL and Redis. One imports; both process; the importer is halted mid-run as a killed
 * process would be. The other finishes everything: nothing is lost and nothing happens twice.
 */
class SharedStoresTest {

    private static final int ORDERS = 20_000;
    private static final Instant PLACED = Instant.parse("2025-11-16T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private final MemoryRecordStore records = new MemoryRecordStore();
    private final MemoryKpiStore kpis = MemoryKpiStore.builder().retention(Duration.ZERO).build();
    private final MemoryJobStore jobs = new MemoryJobStore();
    private final MemoryLease lease = new MemoryLease();
    private final SimulatedStockService stock = SimulatedStockService.builder().seed(21).build();
    private final SimulatedPaymentGateway payments = SimulatedPaymentGateway.builder().seed(21).build();

    /** Counts the processing jobs one instance completed, through its own view of the shared job store. */
    private static final class CountingJobStore extends ForwardingJobStore {
        final AtomicLong processed = new AtomicLong();

        CountingJobStore(JobStore delegate) {
            super(delegate);
        }

        @Override
        public boolean ack(ClaimedJob claim) {
            boolean acked = super.ack(claim);
            if (acked && claim.job().queue().equals(QueueNames.ORDER_PROCESSING)) {
                processed.incrementAndGet();
            }
            return acked;
        }
    }

    private OrderKpi node(String name, JobStore view) {
        return OrderKpi.builder().nodeId(name).records(records).kpis(kpis).jobs(view).lease(lease)
                .stock(stock).payments(payments).jobLease(LEASE)
                .importHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(2))
                .spoolDirectory(dir.resolve("spool-" + name)).workers(8).build();
    }

    private Path pendingOrders() throws Exception {
        StringBuilder csv = new StringBuilder("order_number,customer_id,customer_name,customer_email,status,"
                + "total_amount,currency,placed_at,item1_product_id,item1_product_name,item1_sku,item1_quantity,"
                + "item1_unit_price\n");
        for (int i = 1; i <= ORDERS; i++) {
            String amount = Money.ofCents(500 + i % 10_000).toString();
            csv.append("S-").append(i).append(",c").append(i % 700).append(",Customer ").append(i % 700)
                    .append(",c").append(i % 700).append("@example.com,pending,").append(amount).append(",USD,")
                    .append(PLACED.plusSeconds(i % 86_400L * 3)).append(",P").append(i % 40).append(",Product,SKU-")
                    .append(i % 40).append(",1,").append(amount).append('\n');
        }
        Path file = dir.resolve("orders.csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void twoInstancesShareTheWorkAndOneHaltedMidRunLeavesNothingLostOrDoneTwice() throws Exception {
        Path file = pendingOrders();
        CountingJobStore viewA = new CountingJobStore(jobs);
        CountingJobStore viewB = new CountingJobStore(jobs);
        OrderKpi a = node("node-a", viewA);
        OrderKpi b = node("node-b", viewB);
        try {
            String importId = a.importFile(file, ImportOptions.named("orders.csv").withChunkSize(50), true)
                    .run().importId();
            // Halted while its import is still being read (400 chunks, at most 4 ahead of the
            // applied ones) and orders are being processed.
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> viewA.processed.get() >= 20 && viewB.processed.get() >= 20);
            a.halt();
            long processedByA = viewA.processed.get();
            ImportRun atHalt = records.imports().get(importId).orElseThrow();
            assertThat(atHalt.state()).as("the import was still running when its owner was halted")
                    .isEqualTo(ImportState.RUNNING);
            assertThat(atHalt.owner()).isEqualTo("node-a");

            await().atMost(Duration.ofMinutes(3)).until(() -> records.imports().get(importId).orElseThrow().state()
                    == ImportState.COMPLETED);
            assertThat(b.awaitIdle(Duration.ofMinutes(3))).as("the surviving instance settles").isTrue();

            ImportRun imported = records.imports().get(importId).orElseThrow();
            assertThat(imported.counters()).isEqualTo(new ImportCounters(ORDERS, ORDERS, 0, 0));
            assertThat(imported.owner()).as("taken over by the surviving instance").isEqualTo("node-b");
            assertThat(processedByA).as("processed by the halted instance").isPositive();
            assertThat(viewB.processed.get()).as("processed by the surviving instance").isPositive();

            List<Order> orders = allOrders();
            assertThat(orders).hasSize(ORDERS);
            Map<OrderStatus, Long> byStatus = new HashMap<>();
            orders.forEach(order -> byStatus.merge(order.status(), 1L, Long::sum));
            assertThat(byStatus.keySet()).containsOnly(OrderStatus.COMPLETED, OrderStatus.CANCELLED);
            assertThat(records.orders().inProgress(Instant.MAX, 0, 1)).isEmpty();

            long completed = byStatus.get(OrderStatus.COMPLETED);
            long declined = orders.stream().filter(order -> SimulatedPaymentGateway.CHARGE_DECLINED
                    .equals(order.failureReason())).count();
            long completedCents = orders.stream().filter(order -> order.status() == OrderStatus.COMPLETED)
                    .mapToLong(order -> order.totalAmount().cents()).sum();
            assertThat(payments.chargesProcessed()).as("one charge decision per order that reached payment")
                    .isEqualTo(completed + declined);
            assertThat(payments.totalCharged()).isEqualTo(Money.ofCents(completedCents));

            LocalDate first = PLACED.atZone(ZoneOffset.UTC).toLocalDate();
            assertThat(b.analytics().verify(first, first.plusDays(1))).as("KPIs equal the recomputation").isEmpty();
            assertThat(b.analytics().range(first, first.plusDays(1)).successfulOrders()).isEqualTo(completed);

            List<Notification> notifications = allNotifications();
            assertThat(notifications).hasSize(ORDERS);
            assertThat(notifications.stream().map(Notification::orderId).distinct().count()).isEqualTo(ORDERS);
            assertThat(notifications).allSatisfy(n -> assertThat(n.channel()).isEqualTo("log"));
        } finally {
            a.close();
            b.close();
        }
    }

    private List<Order> allOrders() {
        List<Order> all = new ArrayList<>();
        OrderQuery query = OrderQuery.firstPage(500);
        while (true) {
            Page<Order> page = records.orders().list(query);
            all.addAll(page.items());
            if (page.nextKey().isEmpty()) {
                return all;
            }
            query = query.before(page.nextKey().getAsLong());
        }
    }

    private List<Notification> allNotifications() {
        List<Notification> all = new ArrayList<>();
        NotificationQuery query = NotificationQuery.firstPage(500);
        while (true) {
            Page<Notification> page = records.notifications().list(query);
            all.addAll(page.items());
            if (page.nextKey().isEmpty()) {
                return all;
            }
            query = query.before(page.nextKey().getAsLong());
        }
    }
}
