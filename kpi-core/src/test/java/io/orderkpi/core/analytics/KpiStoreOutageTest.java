package io.orderkpi.core.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.SettableClock;
import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.memory.MemoryKpiStore;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KPI store is down for 30 seconds while orders complete and fail, then comes back. The
 * relay must stall analytics (never dead-letter its events, never let an order's later event pass
 * an earlier one) and catch up once the store is back, each fact applied once.
 */
class KpiStoreOutageTest {

    private static final Instant NOW = Instant.parse("2025-11-16T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aThirtySecondOutageStallsAnalyticsWithoutDeadLettersAndEveryFactIsAppliedOnceAfterIt() throws Exception {
        SettableClock outageClock = new SettableClock(NOW);
        OutageKpiStore kpis = new OutageKpiStore(MemoryKpiStore.builder().build(), outageClock);
        // Failure rates so that orders both complete and fail; the default relay retry policy (5
        // attempts) would dead-letter within seconds if an outage counted as a failure.
        try (OrderKpi kpi = OrderKpi.builder().kpis(kpis).simulation(7, 0.1, 0.2, 0).workers(6)
                .spoolDirectory(dir).shutdownGrace(Duration.ofSeconds(5)).build()) {
            kpis.downFor(Duration.ofSeconds(30));
            List<Order> orders = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                orders.add(kpi.createOrder(new NewOrder("OUT-" + i, "cust-" + (i % 40), "", "", OrderStatus.PENDING,
                        Money.parse("10.00"), "USD", List.of(new OrderItem("P", "", "", 1, Money.parse("10.00"))),
                        NOW)));
            }
            orders.forEach(order -> kpi.process(order.id()));
            await().atMost(Duration.ofSeconds(60)).until(() -> orders.stream().allMatch(
                    order -> kpi.records().orders().get(order.id()).orElseThrow().status().isFinal()));
            // Stalled: analytics kept trying, applied nothing, dead-lettered nothing.
            int refusedBefore = kpis.refusedCalls();
            await().atMost(Duration.ofSeconds(30)).until(() -> kpis.refusedCalls() > refusedBefore);
            assertThat(kpi.analytics().appliedFacts()).isZero();
            assertThat(kpi.relay().deadLetterCount(Analytics.SUBSCRIBER)).isZero();
            assertThat(kpi.relay().lag(Analytics.SUBSCRIBER)).isPositive();

            outageClock.advance(Duration.ofSeconds(30));

            assertThat(kpi.awaitIdle(Duration.ofSeconds(60))).isTrue();
            long finals = orders.stream().map(order -> kpi.records().orders().get(order.id()).orElseThrow().status())
                    .filter(status -> status == OrderStatus.COMPLETED || status == OrderStatus.CANCELLED).count();
            assertThat(finals).isEqualTo(orders.size());
            assertThat(kpi.analytics().appliedFacts()).isEqualTo(orders.size());
            assertThat(kpi.analytics().duplicateFacts()).isZero();
            assertThat(kpi.records().outbox().deadLetters(null, Long.MAX_VALUE, 10).items()).isEmpty();
            LocalDate day = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
            assertThat(kpi.analytics().verify(day, day)).isEmpty();
            DailyTotals totals = kpi.analytics().daily(day, 10).totals();
            assertThat(totals.successfulOrders() + totals.failedOrders()).isEqualTo(orders.size());
            assertThat(totals.successfulOrders()).isPositive();
            assertThat(totals.failedOrders()).isPositive();
        }
    }
}
