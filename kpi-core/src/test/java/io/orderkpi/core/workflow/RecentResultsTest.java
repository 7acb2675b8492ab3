package io.orderkpi.core.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.order.Money;
import io.orderkpi.core.spi.PaymentResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecentResultsTest {

    private final AtomicInteger decisions = new AtomicInteger();

    private String decide(String key) {
        return key + "#" + decisions.incrementAndGet();
    }

    @Test
    void keepsExactlyItsCapacityAndForgetsTheOldestKeyBeyondIt() {
        RecentResults<String, String> results = new RecentResults<>(3);
        results.firstResult("a", this::decide);
        results.firstResult("b", this::decide);
        results.firstResult("c", this::decide);

        assertThat(results.size()).isEqualTo(3);
        assertThat(results.firstResult("a", this::decide)).as("at capacity nothing is forgotten").isEqualTo("a#1");
        assertThat(decisions).hasValue(3);

        results.firstResult("d", this::decide);
        assertThat(results.size()).isEqualTo(3);
        assertThat(results.firstResult("b", this::decide)).as("b was still remembered").isEqualTo("b#2");
        assertThat(results.firstResult("a", this::decide)).as("the oldest, a, was forgotten and decided again")
                .isEqualTo("a#5");
    }

    @Test
    void aCapacityOfOneRemembersTheLastKeyOnly() {
        RecentResults<String, String> results = new RecentResults<>(1);
        assertThat(results.firstResult("a", this::decide)).isEqualTo("a#1");
        assertThat(results.firstResult("a", this::decide)).isEqualTo("a#1");
        assertThat(results.firstResult("b", this::decide)).isEqualTo("b#2");
        assertThat(results.firstResult("a", this::decide)).isEqualTo("a#3");
        assertThat(results.size()).isEqualTo(1);
    }

    @Test
    void aCapacityBelowOneIsRefusedWithItsValue() {
        assertThatThrownBy(() -> new RecentResults<String, String>(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1").hasMessageContaining(": 0");
        assertThat(RecentResults.checkCapacity(1)).isEqualTo(1);
    }

    @Test
    void updateChangesOnlyARememberedKey() {
        RecentResults<String, String> results = new RecentResults<>(2);
        results.firstResult("a", this::decide);
        results.update("a", (key, value) -> value + "!");
        results.update("zz", (key, value) -> "never");
        assertThat(results.firstResult("a", this::decide)).isEqualTo("a#1!");
        assertThat(results.firstResult("zz", this::decide)).isEqualTo("zz#2");
    }

    @Test
    void concurrentCallsWithOneKeyDecideOnce() throws Exception {
        RecentResults<String, String> results = new RecentResults<>(10);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return results.firstResult("k", this::decide);
                }, threads));
            }
            start.countDown();
            for (CompletableFuture<String> call : calls) {
                assertThat(call.get()).isEqualTo("k#1");
            }
            assertThat(decisions).hasValue(1);
            assertThat(results.size()).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theGatewayDecidesAForgottenKeyAgainWithTheSameAnswer() {
        SimulatedPaymentGateway gateway = SimulatedPaymentGateway.builder().seed(7).rememberedKeys(2).build();
        Money amount = Money.ofCents(1_000);
        PaymentResult first = gateway.refund("r-1", 1, amount);
        gateway.refund("r-2", 2, amount);
        gateway.refund("r-2", 2, amount);
        assertThat(gateway.refundsProcessed()).isEqualTo(2);

        gateway.refund("r-3", 3, amount);
        assertThat(gateway.refund("r-1", 1, amount)).as("the same hash, the same answer").isEqualTo(first);
        assertThat(gateway.refundsProcessed()).as("r-1 was forgotten and decided again").isEqualTo(4);
        assertThatThrownBy(() -> SimulatedPaymentGateway.builder().rememberedKeys(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStockServiceTakesUnitsAgainForAForgottenLineOnly() {
        SimulatedStockService stock = SimulatedStockService.builder().seed(7).failureProbability(0)
                .defaultStock(100).rememberedLines(2).build();
        stock.reserve(1, 0, "P", 10);
        stock.reserve(2, 0, "P", 10);
        stock.reserve(2, 0, "P", 10);
        assertThat(stock.available("P")).isEqualTo(80);

        stock.reserve(3, 0, "P", 10);
        stock.reserve(1, 0, "P", 10);
        assertThat(stock.available("P")).as("line (1, 0) was forgotten").isEqualTo(60);
        assertThat(stock.reservationsMade()).isEqualTo(4);
        assertThatThrownBy(() -> SimulatedStockService.builder().rememberedLines(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
