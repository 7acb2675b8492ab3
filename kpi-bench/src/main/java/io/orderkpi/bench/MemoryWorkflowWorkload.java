package io.orderkpi.bench;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.memory.MemoryKpiStore;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * P5 in memory: orders through the whole workflow (reserve, charge, finalize, KPIs, log
 * notifications) with simulated gateways and no latency, against the sum of its parts measured
 * alone: the same orders and status changes written straight to the record store, plus their
 * KPI facts applied straight to the KPI store.
 */
final class MemoryWorkflowWorkload implements Workload {

    private static final int FULL_ORDERS = 20_000;
    private static final Instant PLACED = Instant.parse("2025-11-16T10:00:00Z");
    private static final List<OrderStatus> PATH = List.of(OrderStatus.PENDING, OrderStatus.RESERVING_STOCK,
            OrderStatus.STOCK_RESERVED, OrderStatus.PROCESSING_PAYMENT, OrderStatus.PAYMENT_SUCCEEDED,
            OrderStatus.COMPLETED);

    @Override
    public String id() {
        return "P5";
    }

    @Override
    public String title() {
        return "workflow end to end, memory";
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
        int count = mode.size(FULL_ORDERS, 200);
        return Pairs.measure(mode, () -> workflow(count), () -> partsAlone(count),
                Map.of("orders", Integer.toString(count), "failure_rates", "0 (every order completes)"));
    }

    private static NewOrder order(int i) {
        Money price = Money.ofCents(1_000 + i % 900);
        return new NewOrder("BENCH-" + i, "cust-" + i % 1_000, "Customer " + i, "c" + i + "@example.com",
                OrderStatus.PENDING, price, "USD", List.of(new OrderItem("P" + i % 50, "Product", "SKU", 1, price)),
                PLACED);
    }

    /** Every order completes, so ours and the parts do the same status changes and facts. */
    private static double workflow(int count) throws Exception {
        try (OrderKpi kpi = OrderKpi.builder().simulation(5, 0, 0, 0).historyRetention(Duration.ZERO).build()) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                kpi.process(kpi.createOrder(order(i)).id());
            }
            if (!kpi.awaitIdle(Duration.ofMinutes(5))) {
                throw new IllegalStateException("the workflow did not settle within 5 minutes");
            }
            long nanos = System.nanoTime() - start;
            long completed = kpi.analytics().range(LocalDate.of(2025, 11, 16), LocalDate.of(2025, 11, 16))
                    .successfulOrders();
            if (completed != count) {
                throw new IllegalStateException(completed + " of " + count + " orders completed");
            }
            return Pairs.perSecond(count, nanos);
        }
    }

    private static double partsAlone(int count) {
        try (MemoryRecordStore records = new MemoryRecordStore(); MemoryKpiStore kpis = MemoryKpiStore.builder().build()) {
            long start = System.nanoTime();
            List<Order> stored = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                stored.add(records.orders().insert(order(i), List.of()));
            }
            for (Order order : stored) {
                for (int step = 1; step < PATH.size(); step++) {
                    records.orders().transition(order.id(), PATH.get(step - 1), PATH.get(step), OrderChanges.none(),
                            List.of(NewEvent.of(EventType.ORDER_PROCESS_STARTED, Map.of())));
                }
                kpis.apply(KpiFact.completed(order.id(), PLACED.atZone(ZoneOffset.UTC).toLocalDate(),
                        order.customerId(), order.totalAmount().cents()));
            }
            return Pairs.perSecond(count, System.nanoTime() - start);
        }
    }
}
