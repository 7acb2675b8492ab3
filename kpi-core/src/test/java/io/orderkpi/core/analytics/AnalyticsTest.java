package io.orderkpi.core.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.event.EventData;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.LeaderboardEntry;
import io.orderkpi.core.memory.MemoryKpiStore;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalyticsTest {

    static final LocalDate DAY = LocalDate.parse("2025-11-16");
    static final ZoneId ZONE = ZoneOffset.UTC;

    final Clock clock = Clock.fixed(Instant.parse("2025-11-17T09:00:00Z"), ZONE);
    final MemoryRecordStore records = new MemoryRecordStore(clock);
    final MemoryKpiStore kpis = MemoryKpiStore.builder().clock(clock).build();
    final Analytics analytics = new Analytics(records, kpis, ZONE);

    Order order(String number, String customer, String total, String placedAt, OrderStatus status) {
        Order order = records.orders().insert(new NewOrder(number, customer, "", "", OrderStatus.PENDING,
                Money.parse(total), "USD", List.of(new OrderItem("P", "", "", 1, Money.parse(total))),
                Instant.parse(placedAt)), List.of());
        if (status == OrderStatus.COMPLETED) {
            walk(order, OrderStatus.PENDING, OrderStatus.RESERVING_STOCK, OrderStatus.STOCK_RESERVED,
                    OrderStatus.PROCESSING_PAYMENT, OrderStatus.PAYMENT_SUCCEEDED);
            move(order, OrderStatus.PAYMENT_SUCCEEDED, OrderStatus.COMPLETED, EventType.ORDER_COMPLETED);
        } else if (status == OrderStatus.CANCELLED) {
            walk(order, OrderStatus.PENDING, OrderStatus.RESERVING_STOCK, OrderStatus.STOCK_RESERVATION_FAILED);
            move(order, OrderStatus.STOCK_RESERVATION_FAILED, OrderStatus.CANCELLED, EventType.ORDER_FAILED);
        }
        return records.orders().get(order.id()).orElseThrow();
    }

    private void walk(Order order, OrderStatus... path) {
        for (int i = 0; i + 1 < path.length; i++) {
            records.orders().transition(order.id(), path[i], path[i + 1], OrderChanges.none(), List.of());
        }
    }

    private void move(Order order, OrderStatus from, OrderStatus to, EventType type) {
        records.orders().transition(order.id(), from, to, OrderChanges.none(), List.of(NewEvent.of(type, Map.of(
                EventData.CUSTOMER_ID, order.customerId(),
                EventData.TOTAL_CENTS, Long.toString(order.totalAmount().cents()),
                EventData.PLACED_AT, order.placedAt().toString(),
                EventData.ORDER_NUMBER, order.orderNumber()))));
    }

    void deliverAll() {
        for (OutboxEvent event : records.outbox().pending("test", 10_000)) {
            analytics.handle(event);
        }
    }

    @Test
    void countsCompletedAndFailedOrdersOnTheirPlacedDay() {
        order("A", "c1", "10.00", "2025-11-16T01:00:00Z", OrderStatus.COMPLETED);
        order("B", "c2", "20.00", "2025-11-16T23:59:59Z", OrderStatus.COMPLETED);
        order("C", "c1", "30.01", "2025-11-16T12:00:00Z", OrderStatus.COMPLETED);
        order("D", "c3", "99.00", "2025-11-16T12:00:00Z", OrderStatus.CANCELLED);
        order("E", "c4", "50.00", "2025-11-17T00:00:00Z", OrderStatus.COMPLETED);
        order("F", "c5", "50.00", "2025-11-16T12:00:00Z", OrderStatus.PENDING);

        deliverAll();

        DailyTotals totals = analytics.daily(DAY, 10).totals();
        assertThat(totals.grossRevenue()).isEqualTo(Money.parse("60.01"));
        assertThat(totals.successfulOrders()).isEqualTo(3);
        assertThat(totals.failedOrders()).isEqualTo(1);
        assertThat(totals.orderCount()).isEqualTo(4);
        assertThat(totals.uniqueCustomers()).isEqualTo(2);
        assertThat(totals.averageOrderValue()).isEqualTo(Money.parse("20.00"));
        assertThat(totals.conversionRate()).isEqualByComparingTo("75.00");
        assertThat(analytics.daily(DAY, 10).leaderboard()).extracting(LeaderboardEntry::customerId)
                .containsExactly("c1", "c2");
        assertThat(analytics.rank(DAY, "c2")).map(LeaderboardEntry::rank).contains(2);
    }

    @Test
    void countsAnEventDeliveredTwiceOnce() {
        order("A", "c1", "10.00", "2025-11-16T01:00:00Z", OrderStatus.COMPLETED);

        deliverAll();
        deliverAll();

        assertThat(analytics.daily(DAY, 10).totals().successfulOrders()).isEqualTo(1);
        assertThat(analytics.appliedFacts()).isEqualTo(1);
        assertThat(analytics.duplicateFacts()).isEqualTo(1);
    }

    @Test
    void reportsARangeWithTrueDistinctCustomersAndEveryDay() {
        order("A", "c1", "10.00", "2025-11-14T01:00:00Z", OrderStatus.COMPLETED);
        order("B", "c1", "10.00", "2025-11-16T01:00:00Z", OrderStatus.COMPLETED);
        order("C", "c2", "10.00", "2025-11-16T02:00:00Z", OrderStatus.CANCELLED);
        order("D", "c3", "10.00", "2025-11-16T03:00:00Z", OrderStatus.COMPLETED);
        deliverAll();

        RangeReport range = analytics.range(LocalDate.parse("2025-11-13"), DAY);

        assertThat(range.daily()).extracting(DailyTotals::day).containsExactly(LocalDate.parse("2025-11-13"),
                LocalDate.parse("2025-11-14"), LocalDate.parse("2025-11-15"), DAY);
        assertThat(range.daily().get(0).isEmpty()).isTrue();
        assertThat(range.uniqueCustomers()).isEqualTo(2);
        assertThat(range.successfulOrders()).isEqualTo(3);
        assertThat(range.failedOrders()).isEqualTo(1);
        assertThat(range.totalRevenue()).isEqualTo(Money.parse("30.00"));
        assertThat(range.conversionRate()).isEqualByComparingTo("75.00");
    }

    @Test
    void refusesARangeThatIsBackwardsOrTooLong() {
        assertThatThrownBy(() -> analytics.range(DAY, DAY.minusDays(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after");
        assertThatThrownBy(() -> analytics.range(DAY.minusDays(366), DAY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("366");
        assertThat(analytics.range(DAY.minusDays(365), DAY).daily()).hasSize(366);
    }

    @Test
    void verifyFindsNoDifferenceWhenLiveKpisMatchTheRecords() {
        order("A", "c1", "10.00", "2025-11-16T01:00:00Z", OrderStatus.COMPLETED);
        order("B", "c2", "10.00", "2025-11-16T02:00:00Z", OrderStatus.CANCELLED);
        deliverAll();

        assertThat(analytics.verify(DAY.minusDays(1), DAY)).isEmpty();
    }

    @Test
    void verifyNamesEveryDifferenceByDayAndField() {
        order("A", "c1", "10.00", "2025-11-16T01:00:00Z", OrderStatus.COMPLETED);

        List<KpiDifference> differences = analytics.verify(DAY, DAY);

        assertThat(differences).extracting(KpiDifference::field).containsExactly("gross_revenue", "total_revenue",
                "successful_orders", "unique_customers", "leaderboard[c1]");
        assertThat(differences.get(0)).isEqualTo(new KpiDifference(DAY, "gross_revenue", "0.00", "10.00"));
    }

    @Test
    void backfillFillsEmptyDaysAndForceReplacesWithoutAdding() {
        order("A", "c1", "10.00", "2025-11-16T01:00:00Z", OrderStatus.COMPLETED);
        order("B", "c2", "10.00", "2025-11-15T01:00:00Z", OrderStatus.COMPLETED);

        assertThat(analytics.backfill(DAY.minusDays(2), DAY, false)).isEqualTo(2);
        assertThat(analytics.verify(DAY.minusDays(2), DAY)).isEmpty();

        deliverAll();
        assertThat(analytics.appliedFacts()).isZero();
        assertThat(analytics.backfill(DAY.minusDays(2), DAY, true)).isEqualTo(2);
        assertThat(analytics.backfill(DAY.minusDays(2), DAY, false)).isZero();
        assertThat(analytics.daily(DAY, 10).totals().successfulOrders()).isEqualTo(1);
        assertThat(analytics.verify(DAY.minusDays(2), DAY)).isEmpty();
    }

    @Test
    void storesTheZoneAndRefusesAnotherUntilAForcedBackfill() {
        analytics.checkZone();
        assertThat(kpis.zone()).contains(ZONE);
        Analytics elsewhere = new Analytics(records, kpis, ZoneId.of("Asia/Tokyo"));

        assertThatThrownBy(elsewhere::checkZone).isInstanceOf(KpiZoneMismatchException.class)
                .hasMessageContaining("Asia/Tokyo").hasMessageContaining("backfill");
        elsewhere.backfill(DAY, DAY, true);
        elsewhere.checkZone();
        assertThat(kpis.zone()).contains(ZoneId.of("Asia/Tokyo"));
    }

    @Test
    void countsOrdersOnTheirDayInTheConfiguredZone() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        Analytics inTokyo = new Analytics(records, kpis, tokyo);
        order("A", "c1", "10.00", "2025-11-16T20:00:00Z", OrderStatus.COMPLETED);

        records.outbox().pending("tokyo", 10).forEach(inTokyo::handle);

        assertThat(inTokyo.daily(LocalDate.parse("2025-11-17"), 10).totals().successfulOrders()).isEqualTo(1);
        assertThat(inTokyo.daily(DAY, 10).totals().successfulOrders()).isZero();
        assertThat(inTokyo.verify(DAY, LocalDate.parse("2025-11-17"))).isEmpty();
    }
}
