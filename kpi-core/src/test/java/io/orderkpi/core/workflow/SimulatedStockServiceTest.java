package io.orderkpi.core.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.spi.GatewayUnavailableException;
import io.orderkpi.core.spi.ReservationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatedStockServiceTest {

    private static final String BAD_REASON_PREFIX = "Insufficient stock for product: ";

    private static SimulatedStockService.Builder neverFailing() {
        return SimulatedStockService.builder().seed(1).failureProbability(0);
    }

    @Test
    void startsEveryProductWithAMillionUnits() {
        SimulatedStockService stock = SimulatedStockService.builder().build();

        assertThat(stock.available("anything")).isEqualTo(1_000_000);
    }

    @Test
    void reservingALineTwiceReservesOnceAndReturnsTheFirstResult() {
        SimulatedStockService stock = neverFailing().build();
        stock.setStock("P1", 10);

        ReservationResult first = stock.reserve(1, 0, "P1", 3);
        ReservationResult second = stock.reserve(1, 0, "P1", 3);

        assertThat(first).isEqualTo(ReservationResult.reserved());
        assertThat(second).isEqualTo(first);
        assertThat(stock.available("P1")).isEqualTo(7);
        assertThat(stock.reservationsMade()).isEqualTo(1);
    }

    @Test
    void linesOfOneOrderAreReservedSeparately() {
        SimulatedStockService stock = neverFailing().build();
        stock.setStock("P1", 10);

        stock.reserve(1, 0, "P1", 3);
        stock.reserve(1, 1, "P1", 4);
        stock.reserve(2, 0, "P1", 1);

        assertThat(stock.available("P1")).isEqualTo(2);
        assertThat(stock.reservationsMade()).isEqualTo(3);
    }

    @Test
    void releasingALineGivesItsUnitsBackOnce() {
        SimulatedStockService stock = neverFailing().build();
        stock.setStock("P1", 10);
        stock.reserve(1, 0, "P1", 3);

        stock.release(1, 0);
        stock.release(1, 0);

        assertThat(stock.available("P1")).isEqualTo(10);
        assertThat(stock.releasesMade()).isEqualTo(1);
    }

    @Test
    void releasingALineNeverReservedDoesNothing() {
        SimulatedStockService stock = neverFailing().build();
        stock.setStock("P1", 10);
        stock.reserve(1, 0, "P1", 3);

        stock.release(1, 1);
        stock.release(99, 0);

        assertThat(stock.available("P1")).isEqualTo(7);
        assertThat(stock.releasesMade()).isZero();
    }

    @Test
    void aReleasedLineIsNeverReservedAgain() {
        SimulatedStockService stock = neverFailing().build();
        stock.setStock("P1", 10);
        stock.reserve(1, 0, "P1", 3);
        stock.release(1, 0);

        ReservationResult again = stock.reserve(1, 0, "P1", 3);

        assertThat(again.success()).isTrue();
        assertThat(stock.available("P1")).isEqualTo(10);
        assertThat(stock.reservationsMade()).isEqualTo(1);
    }

    @Test
    void aFailedLineKeepsItsFailureAndReleasingItGivesNothingBack() {
        SimulatedStockService stock = neverFailing().build();
        stock.setStock("P1", 2);
        assertThat(stock.reserve(1, 0, "P1", 3).success()).isFalse();
        stock.setStock("P1", 10);

        ReservationResult again = stock.reserve(1, 0, "P1", 3);
        stock.release(1, 0);

        assertThat(again).isEqualTo(ReservationResult.declined(BAD_REASON_PREFIX + "P1"));
        assertThat(stock.available("P1")).isEqualTo(10);
        assertThat(stock.reservationsMade()).isZero();
        assertThat(stock.releasesMade()).isZero();
    }

    @Test
    void aLineNeedingMoreThanIsAvailableFailsNamingTheProduct() {
        SimulatedStockService stock = neverFailing().build();
        stock.setStock("SKU-9", 5);

        ReservationResult tooMany = stock.reserve(1, 0, "SKU-9", 6);
        ReservationResult exactlyAll = stock.reserve(1, 1, "SKU-9", 5);

        assertThat(tooMany.success()).isFalse();
        assertThat(tooMany.reason()).isEqualTo("Insufficient stock for product: SKU-9");
        assertThat(exactlyAll.success()).isTrue();
        assertThat(exactlyAll.reason()).isNull();
        assertThat(stock.available("SKU-9")).isZero();
    }

    @Test
    void aRandomFailureNamesTheProductAndTakesNoUnits() {
        SimulatedStockService stock = SimulatedStockService.builder().failureProbability(1).build();

        ReservationResult result = stock.reserve(1, 0, "P-1", 1);

        assertThat(result.success()).isFalse();
        assertThat(result.reason()).isEqualTo("Insufficient stock for product: P-1");
        assertThat(stock.available("P-1")).isEqualTo(1_000_000);
    }

    @Test
    void aboutOneLineInTenFailsByDefault() {
        SimulatedStockService stock = SimulatedStockService.builder().seed(42).build();

        long failed = reserveAll(stock, lines(10_000)).values().stream().filter(ok -> !ok).count();

        // Deterministic for the seed; the range only says the simulation does what it claims.
        assertThat(failed).isBetween(900L, 1_100L);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0})
    void probabilitiesZeroAndOneAreNeverAndAlways(double probability) {
        SimulatedStockService stock = SimulatedStockService.builder().seed(3).failureProbability(probability).build();

        Map<Line, Boolean> outcomes = reserveAll(stock, lines(2_000));

        assertThat(outcomes.values()).containsOnly(probability == 0.0);
    }

    @Test
    void outcomesForASeedDoNotDependOnCallOrderOrThreads() throws Exception {
        List<Line> lines = lines(3_000);
        List<Line> shuffled = new ArrayList<>(lines);
        Collections.shuffle(shuffled, new Random(5));

        Map<Line, Boolean> inOrder = reserveAll(SimulatedStockService.builder().seed(7).build(), lines);
        Map<Line, Boolean> reordered = reserveAll(SimulatedStockService.builder().seed(7).build(), shuffled);
        Map<Line, Boolean> concurrent = reserveConcurrently(SimulatedStockService.builder().seed(7).build(), shuffled);

        assertThat(reordered).isEqualTo(inOrder);
        assertThat(concurrent).isEqualTo(inOrder);
    }

    @Test
    void differentSeedsGiveDifferentOutcomes() {
        List<Line> lines = lines(1_000);

        Map<Line, Boolean> one = reserveAll(SimulatedStockService.builder().seed(1).build(), lines);
        Map<Line, Boolean> two = reserveAll(SimulatedStockService.builder().seed(2).build(), lines);

        assertThat(two).isNotEqualTo(one);
    }

    @Test
    void concurrentReservationsOfOneLineTakeItsUnitsOnce() throws Exception {
        SimulatedStockService stock = neverFailing().build();
        stock.setStock("P1", 100);
        List<Line> sameLine = Collections.nCopies(8, new Line(1, 0));

        reserveConcurrently(stock, sameLine);

        assertThat(stock.available("P1")).isEqualTo(99);
        assertThat(stock.reservationsMade()).isEqualTo(1);
    }

    @Test
    void concurrentReservationsNeverTakeMoreThanTheStock() throws Exception {
        SimulatedStockService stock = neverFailing().build();
        stock.setStock("P1", 500);

        Map<Line, Boolean> outcomes = reserveConcurrently(stock, lines(2_000));

        assertThat(outcomes.values().stream().filter(ok -> ok).count()).isEqualTo(500);
        assertThat(stock.available("P1")).isZero();
        assertThat(stock.reservationsMade()).isEqualTo(500);
    }

    @Test
    void anOutageThrowsChangesNothingAndEnds() {
        SimulatedStockService stock = neverFailing().build();
        stock.setStock("P1", 10);
        stock.reserve(1, 0, "P1", 3);
        stock.failNextCalls(2);

        assertThatThrownBy(() -> stock.reserve(2, 0, "P1", 4))
                .isInstanceOf(GatewayUnavailableException.class)
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("Stock service unavailable");
        assertThatThrownBy(() -> stock.release(1, 0)).isInstanceOf(GatewayUnavailableException.class);
        assertThat(stock.available("P1")).isEqualTo(7);

        assertThat(stock.reserve(2, 0, "P1", 4).success()).isTrue();
        stock.release(1, 0);
        assertThat(stock.available("P1")).isEqualTo(6);
    }

    @Test
    void anOutageLastsUntilSwitchedOff() {
        SimulatedStockService stock = neverFailing().build();
        stock.failNextCalls(Integer.MAX_VALUE);
        for (int i = 0; i < 5; i++) {
            int line = i;
            assertThatThrownBy(() -> stock.reserve(1, line, "P1", 1)).isInstanceOf(GatewayUnavailableException.class);
        }

        stock.failNextCalls(0);

        assertThat(stock.reserve(1, 0, "P1", 1).success()).isTrue();
    }

    @Test
    void everyCallTakesAtLeastTheLatency() {
        Duration latency = Duration.ofMillis(40);
        SimulatedStockService stock = neverFailing().latency(latency).build();

        long start = System.nanoTime();
        stock.reserve(1, 0, "P1", 1);
        long reserveNanos = System.nanoTime() - start;
        start = System.nanoTime();
        stock.release(1, 0);
        long releaseNanos = System.nanoTime() - start;

        assertThat(reserveNanos).isGreaterThanOrEqualTo(latency.toNanos());
        assertThat(releaseNanos).isGreaterThanOrEqualTo(latency.toNanos());
    }

    @Test
    void anInterruptedCallIsAnOutageAndKeepsTheInterrupt() {
        SimulatedStockService stock = neverFailing().latency(Duration.ofSeconds(5)).build();

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> stock.reserve(1, 0, "P1", 1))
                    .isInstanceOf(GatewayUnavailableException.class)
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(stock.reservationsMade()).isZero();
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.01, 1.01, Double.NaN, Double.POSITIVE_INFINITY})
    void refusesAProbabilityOutsideZeroToOne(double probability) {
        assertThatThrownBy(() -> SimulatedStockService.builder().failureProbability(probability))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failureProbability must be between 0 and 1");
    }

    @Test
    void refusesNegativeLatencyStockAndQuantities() {
        SimulatedStockService stock = neverFailing().build();

        assertThatThrownBy(() -> SimulatedStockService.builder().latency(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latency");
        assertThatThrownBy(() -> SimulatedStockService.builder().defaultStock(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defaultStock");
        assertThatThrownBy(() -> stock.setStock("P1", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("units");
        assertThatThrownBy(() -> stock.reserve(1, 0, "P1", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quantity");
        assertThatThrownBy(() -> stock.failNextCalls(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("calls");
    }

    @Test
    void aResultIsEitherASuccessOrAFailureWithAReason() {
        assertThatThrownBy(() -> new ReservationResult(false, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReservationResult.declined(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReservationResult(true, "why")).isInstanceOf(IllegalArgumentException.class);
    }

    /** One order line; four lines per order, as a spread of ids and indexes. */
    private record Line(long orderId, int lineIndex) {
    }

    private static List<Line> lines(int count) {
        List<Line> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add(new Line(1_000 + i / 4, i % 4));
        }
        return lines;
    }

    private static Map<Line, Boolean> reserveAll(SimulatedStockService stock, List<Line> lines) {
        Map<Line, Boolean> outcomes = new ConcurrentHashMap<>();
        for (Line line : lines) {
            outcomes.put(line, stock.reserve(line.orderId(), line.lineIndex(), "P1", 1).success());
        }
        return outcomes;
    }

    private static Map<Line, Boolean> reserveConcurrently(SimulatedStockService stock, List<Line> lines)
            throws Exception {
        Map<Line, Boolean> outcomes = new ConcurrentHashMap<>();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (Line line : lines) {
            tasks.add(() -> {
                ReservationResult result = stock.reserve(line.orderId(), line.lineIndex(), "P1", 1);
                // Every call on a line must see the same result, whichever thread decided it.
                Boolean earlier = outcomes.putIfAbsent(line, result.success());
                assertThat(earlier).isIn(null, result.success());
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<Void> done : pool.invokeAll(tasks, 30, TimeUnit.SECONDS)) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return outcomes;
    }
}
