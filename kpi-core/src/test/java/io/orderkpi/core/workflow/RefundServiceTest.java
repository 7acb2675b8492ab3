package io.orderkpi.core.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.event.EventData;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.memory.MemoryJobStore;
import io.orderkpi.core.refund.OrderNotRefundableException;
import io.orderkpi.core.refund.Refund;
import io.orderkpi.core.refund.RefundAmountException;
import io.orderkpi.core.refund.RefundConflictException;
import io.orderkpi.core.refund.RefundOutcome;
import io.orderkpi.core.refund.RefundRequest;
import io.orderkpi.core.refund.RefundStatus;
import io.orderkpi.core.refund.RefundType;
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
import io.orderkpi.core.spi.PaymentResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The refund flow of SPEC §6 on the memory store and the simulated gateway. */
class RefundServiceTest {

    private static final Instant PLACED_AT = Instant.parse("2025-11-16T10:15:30Z");
    private static final Instant NOW = Instant.parse("2025-11-17T12:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final AtomicInteger ORDER_NUMBERS = new AtomicInteger();

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final MemoryRecordStore records = new MemoryRecordStore(clock);
    private SimulatedPaymentGateway gateway = gateway(0);
    private RefundService service = new RefundService(records, gateway, clock);
    private WorkerEngine queue;

    @AfterEach
    void closeQueue() {
        if (queue != null) {
            queue.close();
        }
    }

    private static SimulatedPaymentGateway gateway(double refundFailureProbability) {
        return SimulatedPaymentGateway.builder().seed(42).refundFailureProbability(refundFailureProbability).build();
    }

    /** From now on every refund is declined by the bank. */
    private void declineEveryRefund() {
        gateway = gateway(1);
        service = new RefundService(records, gateway, clock);
    }

    /** A queue for the refund jobs, with retries fast enough for a test. */
    private WorkerEngine startQueue() {
        queue = WorkerEngine.builder(new MemoryJobStore())
                .retryPolicy(new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(100)))
                .shutdownGrace(Duration.ofSeconds(5))
                .build();
        service.register(queue);
        queue.start(Map.of(QueueNames.REFUNDS, 2));
        return queue;
    }

    private Order anOrder(OrderStatus status, String total) {
        NewOrder order = new NewOrder("R-" + ORDER_NUMBERS.incrementAndGet(), "cust-7", "Grace Hopper",
                "grace@example.com", status, Money.parse(total), "USD",
                List.of(new OrderItem("P-1", "Product P-1", "SKU-P-1", 1, Money.parse(total))), PLACED_AT);
        return records.orders().insert(order, List.of());
    }

    private Order aCompletedOrder(String total) {
        return anOrder(OrderStatus.COMPLETED, total);
    }

    private Order reread(Order order) {
        return records.orders().get(order.id()).orElseThrow();
    }

    private Refund stored(String refundId) {
        return records.refunds().get(refundId).orElseThrow();
    }

    private List<OutboxEvent> refundEvents(Order order) {
        return records.outbox().eventsOf(order.id()).stream()
                .filter(event -> event.type() == EventType.REFUND_PROCESSED || event.type() == EventType.REFUND_FAILED)
                .toList();
    }

    @Test
    void aPartialThenAFullRefundGiveBackTheWholeOrderAndRecordTheirEvents() {
        Order order = aCompletedOrder("100.00");

        RefundOutcome partial = service.request(RefundRequest.partial(order.id(), "30.00").withReason("damaged"));

        assertThat(partial.created()).isTrue();
        assertThat(partial.refund()).extracting(Refund::status, Refund::amount, Refund::processedAt, Refund::reason)
                .containsExactly(RefundStatus.COMPLETED, Money.parse("30.00"), NOW, "damaged");
        assertThat(partial.refund().paymentReference()).startsWith("REF-");
        assertThat(reread(order).status()).isEqualTo(OrderStatus.PARTIALLY_REFUNDED);

        RefundOutcome full = service.request(RefundRequest.full(order.id()));

        assertThat(full.refund()).extracting(Refund::type, Refund::status, Refund::amount)
                .containsExactly(RefundType.FULL, RefundStatus.COMPLETED, Money.parse("70.00"));
        assertThat(reread(order).status()).isEqualTo(OrderStatus.REFUNDED);
        assertThat(gateway.totalRefunded()).isEqualTo(Money.parse("100.00"));
        assertThat(refundEvents(order)).extracting(OutboxEvent::type)
                .containsExactly(EventType.REFUND_PROCESSED, EventType.REFUND_PROCESSED);
        assertThat(refundEvents(order).get(0).data()).isEqualTo(Map.of(
                EventData.REFUND_ID, partial.refund().refundId(),
                EventData.REFUND_CENTS, "3000",
                EventData.REFUND_TYPE, "partial",
                EventData.CUSTOMER_ID, "cust-7",
                EventData.ORDER_NUMBER, order.orderNumber(),
                EventData.TOTAL_CENTS, "10000",
                EventData.PLACED_AT, "2025-11-16T10:15:30Z",
                EventData.PROCESSED_AT, "2025-11-17T12:00:00Z",
                EventData.PAYMENT_REFERENCE, partial.refund().paymentReference()));
        assertThat(refundEvents(order).get(1).data()).containsEntry(EventData.REFUND_TYPE, "full")
                .containsEntry(EventData.REFUND_CENTS, "7000");
    }

    @Test
    void theSameRefundIdTwiceReturnsTheFirstRefundAndRefundsOnce() {
        Order order = aCompletedOrder("100.00");
        RefundRequest request = RefundRequest.partial(order.id(), "30.00").withRefundId("r-1");
        RefundOutcome first = service.request(request);

        RefundOutcome again = service.request(request.withReason("clicked twice"));

        assertThat(again).isEqualTo(new RefundOutcome(first.refund(), false));
        assertThat(records.refunds().ofOrder(order.id())).containsExactly(first.refund());
        assertThat(gateway.refundsProcessed()).isEqualTo(1);
        assertThat(gateway.totalRefunded()).isEqualTo(Money.parse("30.00"));
        assertThat(refundEvents(order)).hasSize(1);
    }

    @Test
    void aRefundIdOfAnotherRefundIsAConflict() {
        Order order = aCompletedOrder("100.00");
        service.request(RefundRequest.partial(order.id(), "30.00").withRefundId("r-1"));

        assertThatThrownBy(() -> service.request(RefundRequest.partial(order.id(), "40.00").withRefundId("r-1")))
                .isInstanceOf(RefundConflictException.class)
                .hasMessageContaining("r-1")
                .hasMessageContaining("40.00");

        assertThat(records.refunds().ofOrder(order.id())).hasSize(1);
        assertThat(gateway.refundsProcessed()).isEqualTo(1);
    }

    @Test
    void anAmountAboveWhatIsRefundableIsRefusedBeforeTheGatewayIsAsked() {
        Order order = aCompletedOrder("100.00");
        service.request(RefundRequest.partial(order.id(), "70.00"));

        assertThatThrownBy(() -> service.request(RefundRequest.partial(order.id(), "50.00")))
                .isInstanceOf(RefundAmountException.class)
                .hasMessage("Refund amount 50.00 exceeds the refundable 30.00 of order " + order.id());

        assertThat(records.refunds().ofOrder(order.id())).hasSize(1);
        assertThat(gateway.refundsProcessed()).isEqualTo(1);
        assertThat(reread(order).status()).isEqualTo(OrderStatus.PARTIALLY_REFUNDED);
    }

    @Test
    void anAmountOfZeroOrWithMoreThanTwoDecimalsIsRefused() {
        Order order = aCompletedOrder("100.00");

        assertThatThrownBy(() -> service.request(RefundRequest.partial(order.id(), "0.00")))
                .isInstanceOf(RefundAmountException.class).hasMessageContaining("greater than 0.00");
        assertThatThrownBy(() -> service.request(RefundRequest.partial(order.id(), "12.345")))
                .isInstanceOf(RefundAmountException.class).hasMessageContaining("12.345");

        assertThat(records.refunds().ofOrder(order.id())).isEmpty();
        assertThat(gateway.refundsProcessed()).isZero();
    }

    @Test
    void anOrderThatIsNotCompletedIsNotRefundable() {
        Order pending = anOrder(OrderStatus.PENDING, "100.00");
        Order cancelled = anOrder(OrderStatus.CANCELLED, "100.00");

        assertThatThrownBy(() -> service.request(RefundRequest.full(pending.id())))
                .isInstanceOf(OrderNotRefundableException.class)
                .hasMessageContaining("Order " + pending.id())
                .hasMessageContaining("pending");
        assertThatThrownBy(() -> service.request(RefundRequest.partial(cancelled.id(), "1.00")))
                .isInstanceOf(OrderNotRefundableException.class);

        assertThat(records.refunds().unfinished()).isEmpty();
        assertThat(gateway.refundsProcessed()).isZero();
    }

    @Test
    void anUnknownOrderIsNotFound() {
        assertThatThrownBy(() -> service.request(RefundRequest.full(4242)))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("4242");
    }

    @Test
    void aDeclinedRefundFailsWithTheBanksReasonAndChangesNothingElse() {
        declineEveryRefund();
        Order order = aCompletedOrder("100.00");

        RefundOutcome outcome = service.request(RefundRequest.partial(order.id(), "30.00"));

        assertThat(outcome.refund()).extracting(Refund::status, Refund::failureReason, Refund::paymentReference)
                .containsExactly(RefundStatus.FAILED, SimulatedPaymentGateway.REFUND_DECLINED, null);
        assertThat(reread(order)).isEqualTo(order);
        assertThat(gateway.totalRefunded()).isEqualTo(Money.ZERO);
        assertThat(refundEvents(order)).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.REFUND_FAILED);
            assertThat(event.data()).containsEntry(EventData.REASON, SimulatedPaymentGateway.REFUND_DECLINED)
                    .containsEntry(EventData.REFUND_ID, outcome.refund().refundId());
        });
        // The failed amount is refundable again, under a new refund_id.
        assertThat(records.refunds().begin(RefundRequest.full(order.id())).refund().amount())
                .isEqualTo(Money.parse("100.00"));
    }

    @Test
    void aGatewayOutageLeavesTheRefundProcessingAndResumeCompletesItOnce() {
        Order order = aCompletedOrder("100.00");
        gateway.failNextCalls(1);

        assertThatThrownBy(() -> service.request(RefundRequest.partial(order.id(), "30.00").withRefundId("r-1")))
                .isInstanceOf(GatewayUnavailableException.class);

        assertThat(stored("r-1").status()).isEqualTo(RefundStatus.PROCESSING);
        assertThat(reread(order)).isEqualTo(order);
        assertThat(gateway.refundsProcessed()).isZero();
        assertThat(records.refunds().unfinished()).extracting(Refund::refundId).containsExactly("r-1");

        Refund resumed = service.resume("r-1");

        assertThat(resumed.status()).isEqualTo(RefundStatus.COMPLETED);
        assertThat(gateway.refundsProcessed()).isEqualTo(1);
        assertThat(gateway.totalRefunded()).isEqualTo(Money.parse("30.00"));
        assertThat(reread(order).status()).isEqualTo(OrderStatus.PARTIALLY_REFUNDED);
        assertThat(service.resume("r-1")).isEqualTo(resumed);
        assertThat(gateway.refundsProcessed()).isEqualTo(1);
        assertThat(refundEvents(order)).hasSize(1);
    }

    @Test
    void aCrashBetweenTheGatewayAndTheRecordIsResumedWithoutRefundingTwice() {
        Order order = aCompletedOrder("100.00");
        Refund begun = records.refunds().begin(RefundRequest.partial(order.id(), "30.00")).refund();
        records.refunds().markProcessing(begun.refundId());
        PaymentResult beforeTheCrash = gateway.refund(begun.refundId(), order.id(), begun.amount());

        Refund resumed = service.resume(begun.refundId());

        assertThat(resumed).extracting(Refund::status, Refund::paymentReference)
                .containsExactly(RefundStatus.COMPLETED, beforeTheCrash.reference());
        assertThat(gateway.refundsProcessed()).isEqualTo(1);
        assertThat(gateway.totalRefunded()).isEqualTo(Money.parse("30.00"));
        assertThat(reread(order).status()).isEqualTo(OrderStatus.PARTIALLY_REFUNDED);
    }

    @Test
    void aRefundLeftPendingByACrashIsResumedFromTheStart() {
        Order order = aCompletedOrder("100.00");
        Refund begun = records.refunds().begin(RefundRequest.full(order.id())).refund();

        Refund resumed = service.resume(begun.refundId());

        assertThat(resumed.status()).isEqualTo(RefundStatus.COMPLETED);
        assertThat(reread(order).status()).isEqualTo(OrderStatus.REFUNDED);
        assertThatThrownBy(() -> service.resume("no-such-refund")).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void aSubmittedRefundIsProcessedByTheQueueAndAnsweredAtOnce() {
        Order order = aCompletedOrder("100.00");
        startQueue();

        RefundOutcome submitted = service.submit(RefundRequest.partial(order.id(), "30.00").withRefundId("r-1"));

        assertThat(submitted.created()).isTrue();
        assertThat(submitted.refund().status()).isEqualTo(RefundStatus.PENDING);
        await().atMost(TIMEOUT).until(() -> stored("r-1").status() == RefundStatus.COMPLETED);
        assertThat(reread(order).status()).isEqualTo(OrderStatus.PARTIALLY_REFUNDED);
        assertThat(service.submit(RefundRequest.partial(order.id(), "30.00").withRefundId("r-1")))
                .isEqualTo(new RefundOutcome(stored("r-1"), false));
        assertThat(gateway.refundsProcessed()).isEqualTo(1);
    }

    @Test
    void aQueuedRefundHitByAnOutageIsRetriedUntilItCompletes() {
        Order order = aCompletedOrder("100.00");
        gateway.failNextCalls(2);
        WorkerEngine jobs = startQueue();

        service.submit(RefundRequest.full(order.id()).withRefundId("r-1"));

        await().atMost(TIMEOUT).until(() -> stored("r-1").status() == RefundStatus.COMPLETED);
        assertThat(reread(order).status()).isEqualTo(OrderStatus.REFUNDED);
        assertThat(gateway.refundsProcessed()).isEqualTo(1);
        assertThat(jobs.store().failed(QueueNames.REFUNDS, null, Long.MAX_VALUE, 100).items()).isEmpty();
    }

    @Test
    void theStartUpSweepQueuesEveryUnfinishedRefund() {
        Order order = aCompletedOrder("100.00");
        Refund pending = records.refunds().begin(RefundRequest.partial(order.id(), "10.00")).refund();
        Refund processing = records.refunds().begin(RefundRequest.partial(order.id(), "20.00")).refund();
        records.refunds().markProcessing(processing.refundId());
        startQueue();

        assertThat(service.enqueueUnfinished()).isEqualTo(2);

        await().atMost(TIMEOUT).until(() -> records.refunds().unfinished().isEmpty());
        assertThat(List.of(stored(pending.refundId()), stored(processing.refundId())))
                .extracting(Refund::status).containsOnly(RefundStatus.COMPLETED);
        assertThat(gateway.totalRefunded()).isEqualTo(Money.parse("30.00"));
    }

    @Test
    void submitNeedsARegisteredQueue() {
        Order order = aCompletedOrder("100.00");

        assertThatThrownBy(() -> service.submit(RefundRequest.full(order.id())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("register");

        assertThat(records.refunds().ofOrder(order.id())).isEmpty();
    }
}
