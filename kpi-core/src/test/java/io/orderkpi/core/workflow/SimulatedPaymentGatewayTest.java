package io.orderkpi.core.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.spi.GatewayUnavailableException;
import io.orderkpi.core.spi.PaymentGateway;
import io.orderkpi.core.spi.PaymentResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatedPaymentGatewayTest {

    private static final String PAYMENT_REFERENCE = "PAY-[0-9A-F]{12}";
    private static final String REFUND_REFERENCE = "REF-[0-9A-F]{12}";

    private static SimulatedPaymentGateway.Builder alwaysAccepting() {
        return SimulatedPaymentGateway.builder().seed(1).chargeFailureProbability(0).refundFailureProbability(0);
    }

    private static SimulatedPaymentGateway.Builder alwaysDeclining() {
        return SimulatedPaymentGateway.builder().seed(1).chargeFailureProbability(1).refundFailureProbability(1);
    }

    private static Order anOrder(long id, String total) {
        Money amount = Money.parse(total);
        NewOrder order = new NewOrder("ORD-" + id, "CUST-" + id, "Ada", "ada@example.com", OrderStatus.PENDING,
                amount, "USD", List.of(new OrderItem("P1", "Widget", "W-1", 1, amount)),
                Instant.parse("2024-03-01T10:00:00Z"));
        return Order.create(id, order, Instant.parse("2024-03-01T10:00:01Z"));
    }

    @Test
    void theChargeKeyOfAnOrderIsItsIdInTheAgreedForm() {
        assertThat(PaymentGateway.chargeKey(42)).isEqualTo("order:42:charge");
    }

    @Test
    void chargingOneKeyTwiceChargesOnceAndReturnsTheFirstResult() {
        SimulatedPaymentGateway gateway = alwaysAccepting().build();
        Order order = anOrder(7, "129.50");

        PaymentResult first = gateway.charge(PaymentGateway.chargeKey(7), order);
        PaymentResult second = gateway.charge(PaymentGateway.chargeKey(7), order);

        assertThat(first.success()).isTrue();
        assertThat(first.reference()).matches(PAYMENT_REFERENCE);
        assertThat(first.reason()).isNull();
        assertThat(second).isEqualTo(first);
        assertThat(gateway.chargesProcessed()).isEqualTo(1);
        assertThat(gateway.totalCharged()).isEqualTo(Money.parse("129.50"));
    }

    @Test
    void theKeyAloneDecidesEvenWhenTheOrderDiffers() {
        SimulatedPaymentGateway gateway = alwaysAccepting().build();

        PaymentResult first = gateway.charge("order:7:charge", anOrder(7, "10.00"));
        PaymentResult other = gateway.charge("order:7:charge", anOrder(7, "99.00"));

        assertThat(other).isEqualTo(first);
        assertThat(gateway.totalCharged()).isEqualTo(Money.parse("10.00"));
    }

    @Test
    void aDeclinedChargeSaysSoAndStaysDeclined() {
        SimulatedPaymentGateway gateway = alwaysDeclining().build();
        Order order = anOrder(7, "129.50");

        PaymentResult first = gateway.charge(PaymentGateway.chargeKey(7), order);
        PaymentResult second = gateway.charge(PaymentGateway.chargeKey(7), order);

        assertThat(first.success()).isFalse();
        assertThat(first.reason()).isEqualTo("Payment declined by bank");
        assertThat(first.reference()).isNull();
        assertThat(second).isEqualTo(first);
        assertThat(gateway.chargesProcessed()).isEqualTo(1);
        assertThat(gateway.totalCharged()).isEqualTo(Money.ZERO);
    }

    @Test
    void concurrentChargesWithOneKeyChargeOnce() throws Exception {
        SimulatedPaymentGateway gateway = SimulatedPaymentGateway.builder().seed(11).build();
        List<PaymentResult> expected = new ArrayList<>();
        Money expectedTotal = Money.ZERO;

        for (long id = 1; id <= 200; id++) {
            Order order = anOrder(id, "25.00");
            List<PaymentResult> results = callConcurrently(8,
                    () -> gateway.charge(PaymentGateway.chargeKey(order.id()), order));

            assertThat(results).containsOnly(results.get(0));
            expected.add(results.get(0));
            if (results.get(0).success()) {
                expectedTotal = expectedTotal.plus(order.totalAmount());
            }
        }

        assertThat(gateway.chargesProcessed()).isEqualTo(200);
        assertThat(gateway.totalCharged()).isEqualTo(expectedTotal);
        assertThat(expected).extracting(PaymentResult::success).contains(true, false);
    }

    @Test
    void refundingOneKeyTwiceRefundsOnceAndReturnsTheFirstResult() {
        SimulatedPaymentGateway gateway = alwaysAccepting().build();

        PaymentResult first = gateway.refund("rf-1", 7, Money.parse("20.00"));
        PaymentResult second = gateway.refund("rf-1", 7, Money.parse("20.00"));

        assertThat(first.success()).isTrue();
        assertThat(first.reference()).matches(REFUND_REFERENCE);
        assertThat(second).isEqualTo(first);
        assertThat(gateway.refundsProcessed()).isEqualTo(1);
        assertThat(gateway.totalRefunded()).isEqualTo(Money.parse("20.00"));
    }

    @Test
    void aDeclinedRefundSaysSoAndStaysDeclined() {
        SimulatedPaymentGateway gateway = alwaysDeclining().build();

        PaymentResult first = gateway.refund("rf-1", 7, Money.parse("20.00"));
        PaymentResult second = gateway.refund("rf-1", 7, Money.parse("20.00"));

        assertThat(first).isEqualTo(PaymentResult.declined("Refund declined by bank"));
        assertThat(second).isEqualTo(first);
        assertThat(gateway.refundsProcessed()).isEqualTo(1);
        assertThat(gateway.totalRefunded()).isEqualTo(Money.ZERO);
    }

    @Test
    void concurrentRefundsWithOneKeyRefundOnce() throws Exception {
        SimulatedPaymentGateway gateway = alwaysAccepting().build();

        List<PaymentResult> results = callConcurrently(8, () -> gateway.refund("rf-9", 9, Money.parse("5.00")));

        assertThat(results).containsOnly(results.get(0));
        assertThat(gateway.refundsProcessed()).isEqualTo(1);
        assertThat(gateway.totalRefunded()).isEqualTo(Money.parse("5.00"));
    }

    @Test
    void chargeAndRefundKeysAreSeparate() {
        SimulatedPaymentGateway gateway = alwaysAccepting().build();

        PaymentResult charge = gateway.charge("order:3:charge", anOrder(3, "50.00"));
        PaymentResult refund = gateway.refund("order:3:charge", 3, Money.parse("50.00"));

        assertThat(charge.reference()).startsWith("PAY-");
        assertThat(refund.reference()).startsWith("REF-");
        assertThat(gateway.totalCharged()).isEqualTo(Money.parse("50.00"));
        assertThat(gateway.totalRefunded()).isEqualTo(Money.parse("50.00"));
    }

    @Test
    void declinesComeAtAboutTheConfiguredRates() {
        SimulatedPaymentGateway gateway = SimulatedPaymentGateway.builder().seed(42).build();

        long declinedCharges = 0;
        long declinedRefunds = 0;
        for (long id = 1; id <= 10_000; id++) {
            declinedCharges += gateway.charge(PaymentGateway.chargeKey(id), anOrder(id, "1.00")).success() ? 0 : 1;
            declinedRefunds += gateway.refund("rf-" + id, id, Money.parse("1.00")).success() ? 0 : 1;
        }

        // Deterministic for the seed; the ranges only say the simulation does what it claims.
        assertThat(declinedCharges).isBetween(1_350L, 1_650L);
        assertThat(declinedRefunds).isBetween(400L, 600L);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0})
    void probabilitiesZeroAndOneAreNeverAndAlways(double probability) {
        SimulatedPaymentGateway gateway = SimulatedPaymentGateway.builder().seed(3)
                .chargeFailureProbability(probability).refundFailureProbability(probability).build();

        for (long id = 1; id <= 1_000; id++) {
            assertThat(gateway.charge(PaymentGateway.chargeKey(id), anOrder(id, "1.00")).success())
                    .isEqualTo(probability == 0.0);
            assertThat(gateway.refund("rf-" + id, id, Money.parse("1.00")).success())
                    .isEqualTo(probability == 0.0);
        }
    }

    @Test
    void resultsAndReferencesForASeedDoNotDependOnCallOrder() {
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= 2_000; id++) {
            ids.add(id);
        }
        List<Long> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new Random(5));

        Map<Long, PaymentResult> inOrder = chargeAll(SimulatedPaymentGateway.builder().seed(7).build(), ids);
        Map<Long, PaymentResult> reordered = chargeAll(SimulatedPaymentGateway.builder().seed(7).build(), shuffled);

        assertThat(reordered).isEqualTo(inOrder);
    }

    @Test
    void differentSeedsGiveDifferentResults() {
        List<Long> ids = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);

        Map<Long, PaymentResult> one = chargeAll(SimulatedPaymentGateway.builder().seed(1).build(), ids);
        Map<Long, PaymentResult> two = chargeAll(SimulatedPaymentGateway.builder().seed(2).build(), ids);

        assertThat(two).isNotEqualTo(one);
    }

    @Test
    void anOutageThrowsMovesNoMoneyAndEnds() {
        SimulatedPaymentGateway gateway = alwaysAccepting().build();
        Order order = anOrder(5, "40.00");
        gateway.failNextCalls(2);

        assertThatThrownBy(() -> gateway.charge(PaymentGateway.chargeKey(5), order))
                .isInstanceOf(GatewayUnavailableException.class)
                .hasMessageContaining("Payment gateway unavailable");
        assertThatThrownBy(() -> gateway.refund("rf-5", 5, Money.parse("40.00")))
                .isInstanceOf(GatewayUnavailableException.class);
        assertThat(gateway.chargesProcessed()).isZero();
        assertThat(gateway.refundsProcessed()).isZero();

        assertThat(gateway.charge(PaymentGateway.chargeKey(5), order).success()).isTrue();
        assertThat(gateway.totalCharged()).isEqualTo(Money.parse("40.00"));
    }

    @Test
    void everyCallTakesAtLeastTheLatency() {
        Duration latency = Duration.ofMillis(40);
        SimulatedPaymentGateway gateway = alwaysAccepting().latency(latency).build();

        long start = System.nanoTime();
        gateway.charge(PaymentGateway.chargeKey(1), anOrder(1, "1.00"));
        long chargeNanos = System.nanoTime() - start;
        start = System.nanoTime();
        gateway.refund("rf-1", 1, Money.parse("1.00"));
        long refundNanos = System.nanoTime() - start;

        assertThat(chargeNanos).isGreaterThanOrEqualTo(latency.toNanos());
        assertThat(refundNanos).isGreaterThanOrEqualTo(latency.toNanos());
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.5, 1.5, Double.NaN})
    void refusesProbabilitiesOutsideZeroToOneNamingThem(double probability) {
        assertThatThrownBy(() -> SimulatedPaymentGateway.builder().chargeFailureProbability(probability))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chargeFailureProbability must be between 0 and 1");
        assertThatThrownBy(() -> SimulatedPaymentGateway.builder().refundFailureProbability(probability))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refundFailureProbability must be between 0 and 1");
    }

    @Test
    void refusesABlankKey() {
        SimulatedPaymentGateway gateway = alwaysAccepting().build();

        assertThatThrownBy(() -> gateway.charge(" ", anOrder(1, "1.00")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idempotencyKey");
    }

    @Test
    void aResultIsEitherASuccessWithAReferenceOrADeclineWithAReason() {
        assertThatThrownBy(() -> PaymentResult.success(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PaymentResult.declined("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PaymentResult(true, "PAY-1", "why")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PaymentResult(false, "PAY-1", "why")).isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<Long, PaymentResult> chargeAll(SimulatedPaymentGateway gateway, List<Long> ids) {
        Map<Long, PaymentResult> results = new HashMap<>();
        Function<Long, Order> orders = id -> anOrder(id, "10.00");
        for (long id : ids) {
            results.put(id, gateway.charge(PaymentGateway.chargeKey(id), orders.apply(id)));
        }
        return results;
    }

    /** Runs {@code call} on {@code threads} threads released together, to make them collide. */
    private static <T> List<T> callConcurrently(int threads, Callable<T> call) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
