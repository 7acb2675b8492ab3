package io.orderkpi.core.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.event.EventData;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.memory.MemoryJobStore;
import io.orderkpi.core.worker.WorkerEngine;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.spi.GatewayUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrderWorkflowTest {

    /** A clock the test moves; enough for "stuck for 15 minutes". */
    static final class SettableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-11-16T12:00:00Z"));

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    final SettableClock clock = new SettableClock();
    final MemoryRecordStore memory = new MemoryRecordStore(clock);
    final CrashingRecordStore records = new CrashingRecordStore(memory);
    SimulatedStockService stock = SimulatedStockService.builder().seed(1).failureProbability(0).build();
    SimulatedPaymentGateway payments = SimulatedPaymentGateway.builder().seed(1).chargeFailureProbability(0).build();

    OrderWorkflow workflow() {
        return new OrderWorkflow(records, stock, payments, clock);
    }

    Order anOrder(String number) {
        return memory.orders().insert(new NewOrder(number, "cust-1", "Ann", "ann@example.com", OrderStatus.PENDING,
                Money.parse("35.00"), "USD",
                List.of(new OrderItem("P1", "Pen", "S1", 2, Money.parse("5.00")),
                        new OrderItem("P2", "Mug", "S2", 1, Money.parse("25.00"))),
                Instant.parse("2025-11-15T10:00:00Z")), List.of());
    }

    List<EventType> eventTypes(long orderId) {
        return memory.outbox().eventsOf(orderId).stream().map(OutboxEvent::type).toList();
    }

    @Test
    void completesAnOrderWhenStockAndPaymentSucceed() {
        Order order = anOrder("A-1");

        ProcessResult result = workflow().process(order.id());

        assertThat(result.outcome()).isEqualTo(ProcessOutcome.COMPLETED);
        Order done = memory.orders().get(order.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(done.reservedAt()).isEqualTo(clock.instant());
        assertThat(done.paidAt()).isEqualTo(clock.instant());
        assertThat(done.paymentReference()).startsWith("PAY-");
        assertThat(done.failureReason()).isNull();
        assertThat(eventTypes(order.id())).containsExactly(EventType.ORDER_PROCESS_STARTED, EventType.STOCK_RESERVED,
                EventType.PAYMENT_PROCESSED, EventType.ORDER_COMPLETED);
        OutboxEvent completed = memory.outbox().eventsOf(order.id()).get(3);
        assertThat(completed.data()).containsEntry(EventData.CUSTOMER_ID, "cust-1")
                .containsEntry(EventData.TOTAL_CENTS, "3500")
                .containsEntry(EventData.PLACED_AT, "2025-11-15T10:00:00Z")
                .containsEntry(EventData.ORDER_NUMBER, "A-1");
        assertThat(stock.available("P1")).isEqualTo(SimulatedStockService.DEFAULT_STOCK - 2);
        assertThat(payments.totalCharged()).isEqualTo(Money.parse("35.00"));
    }

    @Test
    void cancelsAndReleasesWhatWasReservedWhenStockRunsOut() {
        stock.setStock("P2", 0);
        Order order = anOrder("A-1");

        ProcessResult result = workflow().process(order.id());

        assertThat(result.outcome()).isEqualTo(ProcessOutcome.CANCELLED);
        Order cancelled = memory.orders().get(order.id()).orElseThrow();
        assertThat(cancelled.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(cancelled.failureReason()).isEqualTo("Insufficient stock for product: P2");
        assertThat(cancelled.failedAt()).isNotNull();
        assertThat(eventTypes(order.id())).containsExactly(EventType.ORDER_PROCESS_STARTED,
                EventType.STOCK_RESERVATION_FAILED, EventType.ORDER_FAILED);
        assertThat(memory.outbox().eventsOf(order.id()).get(2).data())
                .containsEntry(EventData.REASON, "Insufficient stock for product: P2");
        assertThat(stock.available("P1")).isEqualTo(SimulatedStockService.DEFAULT_STOCK);
        assertThat(payments.chargesProcessed()).isZero();
    }

    @Test
    void cancelsAndReleasesTheStockWhenThePaymentIsDeclined() {
        payments = SimulatedPaymentGateway.builder().seed(1).chargeFailureProbability(1).build();
        Order order = anOrder("A-1");

        ProcessResult result = workflow().process(order.id());

        assertThat(result.outcome()).isEqualTo(ProcessOutcome.CANCELLED);
        Order cancelled = memory.orders().get(order.id()).orElseThrow();
        assertThat(cancelled.failureReason()).isEqualTo("Payment declined by bank");
        assertThat(cancelled.paidAt()).isNull();
        assertThat(eventTypes(order.id())).containsExactly(EventType.ORDER_PROCESS_STARTED, EventType.STOCK_RESERVED,
                EventType.PAYMENT_PROCESSED, EventType.ORDER_FAILED);
        assertThat(memory.outbox().eventsOf(order.id()).get(2).data()).containsEntry(EventData.SUCCESS, "false");
        assertThat(stock.available("P1")).isEqualTo(SimulatedStockService.DEFAULT_STOCK);
        assertThat(stock.available("P2")).isEqualTo(SimulatedStockService.DEFAULT_STOCK);
    }

    @Test
    void reportsAFinalOrderAsANoOp() {
        Order order = anOrder("A-1");
        workflow().process(order.id());
        int events = eventTypes(order.id()).size();

        ProcessResult again = workflow().process(order.id());

        assertThat(again.outcome()).isEqualTo(ProcessOutcome.ALREADY_FINAL);
        assertThat(eventTypes(order.id())).hasSize(events);
        assertThat(payments.chargesProcessed()).isEqualTo(1);
    }

    @Test
    void refusesAnUnknownOrder() {
        assertThatThrownBy(() -> workflow().process(999)).isInstanceOf(java.util.NoSuchElementException.class)
                .hasMessageContaining("999");
    }

    @Test
    void leavesTheOrderInItsStepOnATechnicalErrorAndResumesLater() {
        Order order = anOrder("A-1");
        payments.failNextCalls(1);

        assertThatThrownBy(() -> workflow().process(order.id())).isInstanceOf(GatewayUnavailableException.class);
        assertThat(memory.orders().get(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PROCESSING_PAYMENT);

        assertThat(workflow().process(order.id()).outcome()).isEqualTo(ProcessOutcome.COMPLETED);
        assertThat(payments.chargesProcessed()).isEqualTo(1);
    }

    /**
     * Transitions of a successful order: 1 pending→reserving, 2 reserving→reserved,
     * 3 reserved→processing_payment, 4 processing_payment→payment_succeeded (after the charge:
     * a crash "inside processing_payment"), 5 payment_succeeded→completed.
     */
    @ParameterizedTest(name = "crash {1} transition {0}")
    @CsvSource({"1,BEFORE_COMMIT", "1,AFTER_COMMIT", "2,BEFORE_COMMIT", "2,AFTER_COMMIT", "3,BEFORE_COMMIT",
            "3,AFTER_COMMIT", "4,BEFORE_COMMIT", "4,AFTER_COMMIT", "5,BEFORE_COMMIT", "5,AFTER_COMMIT"})
    void aRetryAfterACrashAtAnyStepFinishesWithEveryEffectOnce(int transition, CrashingRecordStore.When when) {
        Order order = anOrder("A-1");
        records.crashAtTransition(transition, when);

        assertThatThrownBy(() -> workflow().process(order.id())).isInstanceOf(StoreUnavailableException.class);
        ProcessResult retried = workflow().process(order.id());

        boolean crashedAfterTheLastStep = transition == 5 && when == CrashingRecordStore.When.AFTER_COMMIT;
        assertThat(retried.outcome())
                .isEqualTo(crashedAfterTheLastStep ? ProcessOutcome.ALREADY_FINAL : ProcessOutcome.COMPLETED);
        assertThat(retried.order().status()).isEqualTo(OrderStatus.COMPLETED);
        assertThat(eventTypes(order.id())).containsExactly(EventType.ORDER_PROCESS_STARTED, EventType.STOCK_RESERVED,
                EventType.PAYMENT_PROCESSED, EventType.ORDER_COMPLETED);
        assertThat(payments.chargesProcessed()).isEqualTo(1);
        assertThat(payments.totalCharged()).isEqualTo(Money.parse("35.00"));
        assertThat(stock.reservationsMade()).isEqualTo(2);
        assertThat(stock.available("P1")).isEqualTo(SimulatedStockService.DEFAULT_STOCK - 2);
    }

    /** A declined payment: 1 pending→reserving, 2 →reserved, 3 →processing, 4 →payment_failed, 5 →cancelled. */
    @ParameterizedTest(name = "crash {1} transition {0} of a declined order")
    @CsvSource({"4,BEFORE_COMMIT", "4,AFTER_COMMIT", "5,BEFORE_COMMIT", "5,AFTER_COMMIT"})
    void aRetryAfterACrashDuringTheRollbackReleasesOnceAndCancelsOnce(int transition, CrashingRecordStore.When when) {
        payments = SimulatedPaymentGateway.builder().seed(1).chargeFailureProbability(1).build();
        Order order = anOrder("A-1");
        records.crashAtTransition(transition, when);

        assertThatThrownBy(() -> workflow().process(order.id())).isInstanceOf(StoreUnavailableException.class);
        ProcessResult retried = workflow().process(order.id());

        boolean crashedAfterTheLastStep = transition == 5 && when == CrashingRecordStore.When.AFTER_COMMIT;
        assertThat(retried.outcome())
                .isEqualTo(crashedAfterTheLastStep ? ProcessOutcome.ALREADY_FINAL : ProcessOutcome.CANCELLED);
        assertThat(retried.order().status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(eventTypes(order.id())).containsExactly(EventType.ORDER_PROCESS_STARTED, EventType.STOCK_RESERVED,
                EventType.PAYMENT_PROCESSED, EventType.ORDER_FAILED);
        assertThat(stock.available("P1")).isEqualTo(SimulatedStockService.DEFAULT_STOCK);
        assertThat(stock.releasesMade()).isEqualTo(2);
    }

    @Test
    void twoConcurrentRunsOfOneOrderApplyEachStepOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 50; round++) {
                Order order = anOrder("R-" + round);
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<ProcessResult>> runs = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    runs.add(pool.submit(() -> {
                        start.await();
                        return workflow().process(order.id());
                    }));
                }
                List<ProcessOutcome> outcomes = new ArrayList<>();
                for (Future<ProcessResult> run : runs) {
                    outcomes.add(run.get().outcome());
                }
                assertThat(outcomes).contains(ProcessOutcome.COMPLETED);
                assertThat(eventTypes(order.id())).containsExactly(EventType.ORDER_PROCESS_STARTED,
                        EventType.STOCK_RESERVED, EventType.PAYMENT_PROCESSED, EventType.ORDER_COMPLETED);
            }
            assertThat(payments.chargesProcessed()).isEqualTo(50);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void listsOrdersStuckInAStepAndRecoversThemThroughTheQueue() {
        Order stuckOrder = anOrder("S-1");
        Order fresh = anOrder("S-2");
        stock.failNextCalls(Integer.MAX_VALUE);
        assertThatThrownBy(() -> workflow().process(stuckOrder.id())).isInstanceOf(GatewayUnavailableException.class);
        clock.now.set(clock.instant().plus(Duration.ofMinutes(20)));
        assertThatThrownBy(() -> workflow().process(fresh.id())).isInstanceOf(GatewayUnavailableException.class);

        assertThat(workflow().stuck(Duration.ofMinutes(15), 10)).extracting(Order::orderNumber).containsExactly("S-1");
        assertThat(workflow().stuck(Duration.ZERO.minusSeconds(1), 10)).extracting(Order::orderNumber)
                .containsExactly("S-1", "S-2");

        stock.failNextCalls(0);
        WorkerEngine queue = WorkerEngine.builder(new MemoryJobStore())
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20))).build();
        try {
            OrderWorkflow workflow = workflow();
            workflow.register(queue);
            queue.start(Map.of(QueueNames.ORDER_PROCESSING, 2));

            assertThat(workflow.recover(queue, Duration.ofMinutes(15))).isEqualTo(1);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    memory.orders().get(stuckOrder.id()).orElseThrow().status()).isEqualTo(OrderStatus.COMPLETED));
            assertThat(memory.orders().get(fresh.id()).orElseThrow().status()).isEqualTo(OrderStatus.RESERVING_STOCK);
        } finally {
            queue.close();
        }
    }

    @Test
    void queuesPendingOrdersOnceEachAndProcessesThem() {
        for (int i = 0; i < 30; i++) {
            anOrder("Q-" + i);
        }
        WorkerEngine queue = WorkerEngine.builder(new MemoryJobStore()).build();
        try {
            OrderWorkflow workflow = workflow();
            workflow.register(queue);

            assertThat(workflow.enqueuePending(queue)).isEqualTo(30);
            assertThat(workflow.enqueuePending(queue)).isEqualTo(30);
            assertThat(queue.store().stats().get(QueueNames.ORDER_PROCESSING).pending()).isEqualTo(30);

            queue.start(Map.of(QueueNames.ORDER_PROCESSING, 2));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(queue.store().stats().get(QueueNames.ORDER_PROCESSING).completed()).isEqualTo(30));
            assertThat(payments.chargesProcessed()).isEqualTo(30);
        } finally {
            queue.close();
        }
    }
}
