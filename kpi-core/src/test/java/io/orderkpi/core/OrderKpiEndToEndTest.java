package io.orderkpi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.analytics.DailyReport;
import io.orderkpi.core.analytics.RangeReport;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.core.spi.NotificationQuery;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.refund.Refund;
import io.orderkpi.core.refund.RefundAmountException;
import io.orderkpi.core.refund.RefundConflictException;
import io.orderkpi.core.refund.RefundOutcome;
import io.orderkpi.core.refund.RefundRequest;
import io.orderkpi.core.refund.RefundStatus;
import io.orderkpi.core.spi.NotificationRecords;
import io.orderkpi.core.spi.OrderQuery;
import io.orderkpi.core.spi.Page;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 generated orders over 7 days, imported and processed through the queue with seeded
 * simulations; then the KPIs are held against a recomputation from the stored orders through
 * redelivery, a forced backfill and refunds.
 */
class OrderKpiEndToEndTest {

    static final int ORDERS = 10_000;

    @TempDir
    Path dir;

    @Test
    void keepsEveryKpiEqualToTheRecordsThroughProcessingRedeliveryBackfillAndRefunds() throws Exception {
        Instant now = Instant.now();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate from = today.minusDays(7);
        Path csv = dir.resolve("orders.csv");
        SampleOrders.write(csv, SampleOrders.Options.builder().count(ORDERS).seed(2025).days(7).now(now).build());

        try (OrderKpi kpi = OrderKpi.builder().simulation(7, 0.10, 0.15, 0.0).spoolDirectory(dir.resolve("spool"))
                .shutdownGrace(Duration.ofSeconds(5)).build()) {
            ImportRun run = kpi.importFile(csv, ImportOptions.named("orders.csv"), true).run();
            assertThat(kpi.importer().awaitFinished(run.importId(), Duration.ofMinutes(2)).state())
                    .isEqualTo(ImportState.COMPLETED);
            awaitSettled(kpi);

            List<Order> orders = allOrders(kpi);
            assertThat(orders).hasSize(ORDERS).allSatisfy(order -> assertThat(order.status().isFinal()).isTrue());
            assertThat(orders).extracting(Order::status).contains(OrderStatus.COMPLETED, OrderStatus.CANCELLED);
            assertThat(kpi.analytics().verify(from, today)).isEmpty();
            assertGrossRevenueMatchesTheOrders(kpi, orders, from, today);
            RangeReport range = kpi.analytics().range(today.minusDays(6), today);
            assertThat(range.successfulOrders() + range.failedOrders()).isEqualTo(ORDERS);
            assertThat(range.uniqueCustomers()).isEqualTo(orders.stream()
                    .filter(order -> order.status() != OrderStatus.CANCELLED).map(Order::customerId).distinct().count());
            Map<LocalDate, DailyReport> before = reports(kpi, from, today);
            long notifications = countNotifications(kpi.records().notifications());

            // Every event delivered a second time: nothing changes.
            List<OutboxEvent> everything = kpi.records().outbox().pending("end-to-end-replay", Integer.MAX_VALUE);
            for (OutboxEvent event : everything) {
                kpi.analytics().handle(event);
                kpi.notifications().handle(event);
            }
            awaitSettled(kpi);
            assertThat(reports(kpi, from, today)).isEqualTo(before);
            assertThat(countNotifications(kpi.records().notifications())).isEqualTo(notifications);
            assertThat(kpi.analytics().verify(from, today)).isEmpty();

            // A forced backfill replaces every day with the same numbers.
            kpi.analytics().backfill(from, today, true);
            assertThat(reports(kpi, from, today)).isEqualTo(before);
            assertThat(kpi.analytics().verify(from, today)).isEmpty();

            // Refunds: partial, full, the same refund_id twice, a conflicting one, an over-refund.
            List<Order> completed = orders.stream().filter(order -> order.status() == OrderStatus.COMPLETED)
                    .filter(order -> order.totalAmount().cents() > 200).limit(2).toList();
            Order partly = completed.get(0);
            Order fully = completed.get(1);
            RefundOutcome partial = kpi.refunds().request(RefundRequest.partial(partly.id(), Money.parse("1.00"))
                    .withRefundId("e2e-partial"));
            RefundOutcome full = kpi.refunds().request(RefundRequest.full(fully.id()).withRefundId("e2e-full"));
            RefundOutcome again = kpi.refunds().request(RefundRequest.full(fully.id()).withRefundId("e2e-full"));
            assertThat(partial.refund().status()).isEqualTo(RefundStatus.COMPLETED);
            assertThat(full.refund().status()).isEqualTo(RefundStatus.COMPLETED);
            assertThat(full.refund().amount()).isEqualTo(fully.totalAmount());
            assertThat(again.created()).isFalse();
            assertThat(again.refund()).isEqualTo(full.refund());
            assertThatThrownBy(() -> kpi.refunds().request(RefundRequest.partial(partly.id(), Money.parse("2.00"))
                    .withRefundId("e2e-partial"))).isInstanceOf(RefundConflictException.class);
            assertThatThrownBy(() -> kpi.refunds().request(RefundRequest.partial(partly.id(), partly.totalAmount())
                    .withRefundId("e2e-over"))).isInstanceOf(RefundAmountException.class);
            assertThat(kpi.records().orders().get(partly.id()).orElseThrow().status())
                    .isEqualTo(OrderStatus.PARTIALLY_REFUNDED);
            assertThat(kpi.records().orders().get(fully.id()).orElseThrow().status()).isEqualTo(OrderStatus.REFUNDED);
            awaitSettled(kpi);

            Refund processed = full.refund();
            LocalDate refundDay = LocalDate.ofInstant(processed.processedAt(), ZoneOffset.UTC);
            assertThat(kpi.analytics().daily(refundDay, 10).totals().refundCents())
                    .isGreaterThanOrEqualTo(fully.totalAmount().cents() + 100);
            assertThat(kpi.analytics().verify(from, today.plusDays(1))).isEmpty();
        }
    }

    private static void awaitSettled(OrderKpi kpi) throws InterruptedException {
        assertThat(kpi.awaitIdle(Duration.ofMinutes(3))).as("settled within 3 minutes").isTrue();
    }

    private static void assertGrossRevenueMatchesTheOrders(OrderKpi kpi, List<Order> orders, LocalDate from,
            LocalDate to) {
        Map<LocalDate, Long> gross = new HashMap<>();
        for (Order order : orders) {
            OrderStatus status = order.status();
            if (status == OrderStatus.COMPLETED || status == OrderStatus.PARTIALLY_REFUNDED
                    || status == OrderStatus.REFUNDED) {
                gross.merge(LocalDate.ofInstant(order.placedAt(), ZoneOffset.UTC), order.totalAmount().cents(),
                        Long::sum);
            }
        }
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            assertThat(kpi.analytics().daily(day, 10).totals().grossRevenueCents()).as("gross of %s", day)
                    .isEqualTo(gross.getOrDefault(day, 0L));
        }
    }

    private static Map<LocalDate, DailyReport> reports(OrderKpi kpi, LocalDate from, LocalDate to) {
        Map<LocalDate, DailyReport> reports = new HashMap<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            reports.put(day, kpi.analytics().daily(day, 100));
        }
        return reports;
    }

    private static long countNotifications(NotificationRecords notifications) {
        long count = 0;
        NotificationQuery query = NotificationQuery.firstPage(500);
        while (true) {
            var page = notifications.list(query);
            count += page.items().size();
            if (page.nextKey().isEmpty()) {
                return count;
            }
            query = query.before(page.nextKey().getAsLong());
        }
    }

    private static List<Order> allOrders(OrderKpi kpi) {
        List<Order> all = new ArrayList<>();
        OrderQuery query = OrderQuery.firstPage(500);
        while (true) {
            Page<Order> page = kpi.records().orders().list(query);
            all.addAll(page.items());
            if (page.nextKey().isEmpty()) {
                return all;
            }
            query = query.before(page.nextKey().getAsLong());
        }
    }
}
