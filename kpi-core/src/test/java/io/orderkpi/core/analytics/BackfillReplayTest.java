package io.orderkpi.core.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.core.event.EventData;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.kpi.DayRebuild;
import io.orderkpi.core.memory.MemoryKpiStore;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.spi.KpiStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A rebuild in one process while the relay of another applies live facts: the other process's
 * fact lands on the old day between this rebuild's read of the records and its replace, and only
 * the replay from the outbox position read before the records keeps it.
 */
class BackfillReplayTest {

    static final LocalDate DAY = LocalDate.parse("2025-11-16");

    final Clock clock = Clock.fixed(Instant.parse("2025-11-17T09:00:00Z"), ZoneOffset.UTC);
    final MemoryRecordStore records = new MemoryRecordStore(clock);
    final MemoryKpiStore store = MemoryKpiStore.builder().clock(clock).build();

    Order paidOrder(String number) {
        Order order = records.orders().insert(new NewOrder(number, "c-" + number, "", "", OrderStatus.PENDING,
                Money.parse("10.00"), "USD", List.of(new OrderItem("P", "", "", 1, Money.parse("10.00"))),
                Instant.parse("2025-11-16T10:00:00Z")), List.of());
        OrderStatus[] path = {OrderStatus.PENDING, OrderStatus.RESERVING_STOCK, OrderStatus.STOCK_RESERVED,
            OrderStatus.PROCESSING_PAYMENT, OrderStatus.PAYMENT_SUCCEEDED};
        for (int i = 0; i + 1 < path.length; i++) {
            records.orders().transition(order.id(), path[i], path[i + 1], OrderChanges.none(), List.of());
        }
        return order;
    }

    OutboxEvent complete(Order order) {
        records.orders().transition(order.id(), OrderStatus.PAYMENT_SUCCEEDED, OrderStatus.COMPLETED,
                OrderChanges.none(), List.of(NewEvent.of(EventType.ORDER_COMPLETED, Map.of(
                        EventData.CUSTOMER_ID, order.customerId(),
                        EventData.TOTAL_CENTS, Long.toString(order.totalAmount().cents()),
                        EventData.PLACED_AT, order.placedAt().toString(),
                        EventData.ORDER_NUMBER, order.orderNumber()))));
        List<OutboxEvent> trail = records.outbox().eventsOf(order.id());
        return trail.get(trail.size() - 1);
    }

    @Test
    void factsAnotherProcessAppliedDuringTheRebuildAreReplayedFromTheOutboxPosition() {
        Order early = paidOrder("EARLY");
        Order late = paidOrder("LATE");
        Analytics otherProcess = new Analytics(records, store, ZoneOffset.UTC);
        otherProcess.handle(complete(early));
        // Just before this rebuild replaces the day, LATE completes and the other relay applies it.
        KpiStore racing = new ForwardingKpiStore(store) {
            private boolean raced;

            @Override
            public void replaceDay(DayRebuild rebuild) {
                if (!raced) {
                    raced = true;
                    otherProcess.handle(complete(late));
                }
                super.replaceDay(rebuild);
            }
        };
        Analytics rebuilding = new Analytics(records, racing, ZoneOffset.UTC);

        assertThat(rebuilding.backfill(DAY, DAY, true)).isEqualTo(1);

        assertThat(rebuilding.daily(DAY, 10).totals().successfulOrders()).isEqualTo(2);
        assertThat(rebuilding.verify(DAY, DAY)).isEmpty();
    }
}
