package io.orderkpi.testkit;

import static io.orderkpi.core.kpi.KpiFact.completed;
import static io.orderkpi.core.kpi.KpiFact.failed;
import static io.orderkpi.core.kpi.KpiFact.refund;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.DayRebuild;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.kpi.LeaderboardEntry;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.spi.KpiStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link KpiStore} must have (its Javadoc states the contract, SPEC §5 the
 * definitions). An adapter's test extends this class and implements two methods:
 * <ul>
 *   <li>{@link #newStore(Duration)}: a store with nothing in it, with the given retention. Each
 *       test may open several; all are closed after it.</li>
 *   <li>{@link #advanceTime(Duration)}: lets time pass for every store this test opened, as far as
 *       retention can tell. Retention is the only time-dependent part of the contract, so how
 *       time passes is the subclass's business:
 *       <ul>
 *         <li>a store with an injected {@link java.time.Clock} (the memory store) gets a
 *             {@link MutableClock} it shares with the test, and this method advances it;</li>
 *         <li>a store whose expiry is TTLs kept by its server (Redis) cannot move the server's
 *             clock, but can do to the store's keys exactly what that much time would: lower the
 *             remaining TTL of every key of the stores' prefixes by {@code duration} ({@code PTTL}
 *             then {@code PEXPIRE}, a key reaching zero deleted), leaving keys without a TTL
 *             alone. The tests leave margins of a minute, so the real time a test takes does
 *             not matter.</li>
 *       </ul></li>
 * </ul>
 * Tests use days around 2025-11-16 and never depend on the store's own notion of "today". A
 * subclass may add tests of its own (a Redis one, say, that every key of a day carries a TTL),
 * using {@link #store()}.
 */
public abstract class KpiStoreContract {

    /** The retention of the store every test starts with: the product's default. */
    protected static final Duration RETENTION = Duration.ofDays(30);

    private static final LocalDate DAY = LocalDate.of(2025, 11, 16);
    private static final LocalDate NEXT_DAY = DAY.plusDays(1);
    private static final LocalDate THIRD_DAY = DAY.plusDays(2);
    private static final Duration MARGIN = Duration.ofMinutes(1);

    private final List<KpiStore> opened = new ArrayList<>();
    private KpiStore store;

    /** A new, empty store keeping each day for {@code retention} after its last update (zero: forever). */
    protected abstract KpiStore newStore(Duration retention);

    /** Makes {@code duration} pass for every store this test opened, as far as retention is concerned. */
    protected abstract void advanceTime(Duration duration);

    @BeforeEach
    protected final void openStore() {
        store = open(RETENTION);
    }

    @AfterEach
    protected final void closeStores() {
        opened.forEach(KpiStore::close);
    }

    /** The store the test started with, for tests a subclass adds. */
    protected final KpiStore store() {
        return store;
    }

    private KpiStore open(Duration retention) {
        KpiStore opening = newStore(retention);
        opened.add(opening);
        return opening;
    }

    // --- Effects of each kind of fact ---

    @Test
    void aCompletedOrderAddsRevenueAnOrderItsCustomerAndTheirSpend() {
        assertThat(store.apply(completed(1, DAY, "alice", 12_550))).isTrue();

        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 12_550, 1, 0, 0, 1));
        assertThat(store.hasData(DAY)).isTrue();
        assertThat(store.customers(DAY)).containsExactly("alice");
        assertThat(store.leaderboard(DAY, 10)).containsExactly(new LeaderboardEntry(1, "alice", 12_550));
    }

    @Test
    void aLeaderboardReadAgainSeesEveryLaterFactWhateverTheLimits() {
        store.apply(completed(1, DAY, "alice", 3_000));
        store.apply(completed(2, DAY, "bob", 2_000));
        store.apply(completed(3, DAY, "carol", 1_000));
        assertThat(store.leaderboard(DAY, 2)).extracting(LeaderboardEntry::customerId).containsExactly("alice", "bob");
        assertThat(store.leaderboard(DAY, 3)).extracting(LeaderboardEntry::customerId)
                .containsExactly("alice", "bob", "carol");
        assertThat(store.leaderboard(DAY, 1)).extracting(LeaderboardEntry::customerId).containsExactly("alice");
        assertThat(store.leaderboard(DAY, 10)).hasSize(3);

        store.apply(completed(4, DAY, "carol", 5_000));
        store.apply(refund("r-1", DAY, "alice", 2_500));

        assertThat(store.leaderboard(DAY, 10)).containsExactly(new LeaderboardEntry(1, "carol", 6_000),
                new LeaderboardEntry(2, "bob", 2_000), new LeaderboardEntry(3, "alice", 500));
        assertThat(store.leaderboard(DAY, 2)).containsExactly(new LeaderboardEntry(1, "carol", 6_000),
                new LeaderboardEntry(2, "bob", 2_000));
    }

    @Test
    void aFailedOrderCountsOnlyAsAFailedOrder() {
        assertThat(store.apply(failed(1, DAY, "alice"))).isTrue();

        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 0, 0, 1, 0, 0));
        assertThat(store.hasData(DAY)).isTrue();
        assertThat(store.customers(DAY)).isEmpty();
        assertThat(store.leaderboard(DAY, 10)).isEmpty();
        assertThat(store.rank(DAY, "alice")).isEmpty();
    }

    @Test
    void aRefundAddsToRefundsAndLowersTheCustomersNetSpend() {
        store.apply(completed(1, DAY, "alice", 10_000));
        assertThat(store.apply(refund("r-1", DAY, "alice", 2_500))).isTrue();

        DailyTotals totals = store.totals(DAY);
        assertThat(totals).isEqualTo(new DailyTotals(DAY, 10_000, 1, 0, 2_500, 1));
        assertThat(totals.totalRevenueCents()).isEqualTo(7_500);
        assertThat(store.leaderboard(DAY, 10)).containsExactly(new LeaderboardEntry(1, "alice", 7_500));
        assertThat(store.customers(DAY)).containsExactly("alice");
    }

    @Test
    void aDayWithoutDataReadsAsZeros() {
        store.apply(completed(1, NEXT_DAY, "alice", 1_000));

        assertThat(store.totals(DAY)).isEqualTo(DailyTotals.empty(DAY));
        assertThat(store.hasData(DAY)).isFalse();
        assertThat(store.customers(DAY)).isEmpty();
        assertThat(store.leaderboard(DAY, 10)).isEmpty();
        assertThat(store.rank(DAY, "alice")).isEmpty();
    }

    // --- Ratios computed from the stored integers ---

    @Test
    void averageOrderValueRoundsHalfUpToTheCentAndIsZeroWithoutCompletedOrders() {
        store.applyAll(List.of(completed(1, DAY, "a", 1_000), completed(2, DAY, "b", 1_000),
                completed(3, DAY, "c", 1_001)));
        store.applyAll(List.of(completed(4, NEXT_DAY, "a", 1_000), completed(5, NEXT_DAY, "b", 1_001)));
        store.apply(failed(6, THIRD_DAY, "a"));

        assertThat(store.totals(DAY).averageOrderValue()).isEqualTo(Money.ofCents(1_000));
        assertThat(store.totals(NEXT_DAY).averageOrderValue()).isEqualTo(Money.ofCents(1_001));
        assertThat(store.totals(THIRD_DAY).averageOrderValue()).isEqualTo(Money.ZERO);
        assertThat(store.totals(THIRD_DAY.plusDays(1)).averageOrderValue()).isEqualTo(Money.ZERO);
    }

    @Test
    void conversionRateIsSuccessfulOrdersInPercentRoundedHalfUpAndZeroWithoutOrders() {
        store.applyAll(List.of(completed(1, DAY, "a", 100), completed(2, DAY, "b", 100), failed(3, DAY, "c")));
        store.apply(completed(4, NEXT_DAY, "a", 100));
        for (int i = 0; i < 7; i++) {
            store.apply(failed(10 + i, NEXT_DAY, "b"));
        }
        store.apply(failed(20, THIRD_DAY, "a"));

        assertThat(store.totals(DAY).conversionRate()).isEqualTo(new BigDecimal("66.67"));
        assertThat(store.totals(NEXT_DAY).conversionRate()).isEqualTo(new BigDecimal("12.50"));
        assertThat(store.totals(THIRD_DAY).conversionRate()).isEqualTo(new BigDecimal("0.00"));
        assertThat(store.totals(THIRD_DAY.plusDays(1)).conversionRate()).isEqualTo(new BigDecimal("0.00"));
        assertThat(store.totals(DAY).orderCount()).isEqualTo(3);
    }

    // --- Exactly once ---

    @Test
    void applyingTheSameKeyAgainChangesNothing() {
        KpiFact order = completed(1, DAY, "alice", 5_000);
        KpiFact refund = refund("r-1", DAY, "alice", 1_000);

        assertThat(store.apply(order)).isTrue();
        assertThat(store.apply(order)).isFalse();
        assertThat(store.apply(refund)).isTrue();
        assertThat(store.apply(refund)).isFalse();
        // The key decides, not the content: a redelivered event is never counted again.
        assertThat(store.apply(new KpiFact(order.key(), DAY, KpiFact.Kind.COMPLETED_ORDER, "bob", 9_999))).isFalse();

        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 5_000, 1, 0, 1_000, 1));
        assertThat(store.leaderboard(DAY, 10)).containsExactly(new LeaderboardEntry(1, "alice", 4_000));
        assertThat(store.customers(DAY)).containsExactly("alice");
    }

    @Test
    void everyRefundOfAnOrderIsAFactOfItsOwn() {
        store.apply(completed(1, DAY, "alice", 10_000));

        assertThat(store.apply(refund("r-1", DAY, "alice", 1_000))).isTrue();
        assertThat(store.apply(refund("r-2", DAY, "alice", 1_000))).isTrue();

        assertThat(store.totals(DAY).refundCents()).isEqualTo(2_000);
        assertThat(store.rank(DAY, "alice")).contains(new LeaderboardEntry(1, "alice", 8_000));
    }

    @Test
    void concurrentDuplicatesFromManyThreadsApplyEachFactExactlyOnce() throws Exception {
        int threads = 8;
        // Rounds re-align the threads at a barrier, so they race on the same keys at the same time
        // again and again rather than drifting apart after the first few facts.
        List<List<KpiFact>> rounds = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            rounds.add(mixedFacts(round * 1_000, DAY.plusDays(2L * round), 500));
        }
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Callable<Integer>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean batched = t % 2 == 1;
            workers.add(() -> {
                int applied = 0;
                for (List<KpiFact> facts : rounds) {
                    start.await(10, TimeUnit.SECONDS);
                    applied += batched ? applyInBatches(facts, 50) : applyOneByOne(facts);
                }
                return applied;
            });
        }

        int applied = 0;
        for (int result : runAll(workers)) {
            applied += result;
        }

        assertThat(applied).isEqualTo(10 * 500);
        for (List<KpiFact> facts : rounds) {
            for (LocalDate day : facts.stream().map(KpiFact::day).distinct().toList()) {
                DayRebuild expected = DayRebuild.of(day, facts.stream().filter(f -> f.day().equals(day)).toList());
                assertThat(store.totals(day)).isEqualTo(expected.totals());
                assertThat(store.customers(day)).isEqualTo(expected.customers());
                assertThat(store.leaderboard(day, 100)).isEqualTo(leaderboardOf(expected));
            }
        }
    }

    @Test
    void applyAllCountsEachKeyOnceWithinTheBatchAndAgainstEarlierFacts() {
        store.apply(completed(1, DAY, "alice", 1_000));
        List<KpiFact> batch = List.of(
                completed(1, DAY, "alice", 1_000),
                completed(2, DAY, "bob", 2_000),
                completed(2, DAY, "bob", 2_000),
                failed(3, NEXT_DAY, "carol"),
                refund("r-1", DAY, "bob", 500),
                failed(3, NEXT_DAY, "carol"),
                completed(4, DAY, "dave", 700));

        assertThat(store.applyAll(batch)).isEqualTo(4);

        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 3_700, 3, 0, 500, 3));
        assertThat(store.totals(NEXT_DAY)).isEqualTo(new DailyTotals(NEXT_DAY, 0, 0, 1, 0, 0));
        assertThat(store.applyAll(batch)).isZero();
        assertThat(store.applyAll(List.of())).isZero();
        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 3_700, 3, 0, 500, 3));
    }

    // --- Leaderboard ---

    @Test
    void leaderboardRanksByNetSpendThenCustomerIdWithoutGaps() {
        store.applyAll(List.of(completed(1, DAY, "carol", 5_000), completed(2, DAY, "alice", 3_000),
                completed(3, DAY, "bob", 3_000), completed(4, DAY, "dave", 1_000), completed(5, DAY, "Bob", 3_000),
                completed(6, DAY, "dave", 500)));

        assertThat(store.leaderboard(DAY, 10)).containsExactly(
                new LeaderboardEntry(1, "carol", 5_000),
                new LeaderboardEntry(2, "Bob", 3_000),
                new LeaderboardEntry(3, "alice", 3_000),
                new LeaderboardEntry(4, "bob", 3_000),
                new LeaderboardEntry(5, "dave", 1_500));
    }

    @Test
    void leaderboardTiesFollowUtf8ByteOrderAlsoBeyondTheBasicPlane() {
        String fullwidthA = "\uFF21";
        String mathematicalBoldA = "\uD835\uDC00";
        store.applyAll(List.of(completed(1, DAY, mathematicalBoldA, 1_000), completed(2, DAY, fullwidthA, 1_000),
                completed(3, DAY, "z", 1_000)));

        assertThat(store.leaderboard(DAY, 10)).extracting(LeaderboardEntry::customerId)
                .containsExactly("z", fullwidthA, mathematicalBoldA);
        assertThat(store.rank(DAY, mathematicalBoldA)).map(LeaderboardEntry::rank).contains(3);
    }

    @Test
    void leaderboardListsAtMostTheLimit() {
        for (int i = 1; i <= 5; i++) {
            store.apply(completed(i, DAY, "c" + i, i * 1_000L));
        }

        assertThat(store.leaderboard(DAY, 3)).containsExactly(
                new LeaderboardEntry(1, "c5", 5_000),
                new LeaderboardEntry(2, "c4", 4_000),
                new LeaderboardEntry(3, "c3", 3_000));
        assertThat(store.leaderboard(DAY, 100)).hasSize(5);
        assertThat(store.leaderboard(DAY, 0)).isEmpty();
        assertThatThrownBy(() -> store.leaderboard(DAY, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFullyRefundedCustomerLeavesTheLeaderboardAndAPartialRefundLowersTheirPlace() {
        store.applyAll(List.of(completed(1, DAY, "alice", 5_000), completed(2, DAY, "bob", 4_000),
                completed(3, DAY, "carol", 3_000)));

        store.apply(refund("r-1", DAY, "alice", 2_000));
        assertThat(store.leaderboard(DAY, 10)).containsExactly(
                new LeaderboardEntry(1, "bob", 4_000),
                new LeaderboardEntry(2, "alice", 3_000),
                new LeaderboardEntry(3, "carol", 3_000));

        store.apply(refund("r-2", DAY, "bob", 4_000));
        assertThat(store.leaderboard(DAY, 10)).containsExactly(
                new LeaderboardEntry(1, "alice", 3_000),
                new LeaderboardEntry(2, "carol", 3_000));
        assertThat(store.rank(DAY, "bob")).isEmpty();
        // A refund takes money off the leaderboard, not a completed order off the customer count.
        assertThat(store.totals(DAY).uniqueCustomers()).isEqualTo(3);
    }

    @Test
    void rankGivesAListedCustomersPlaceAndNothingForOthers() {
        store.applyAll(List.of(completed(1, DAY, "alice", 3_000), completed(2, DAY, "bob", 5_000),
                completed(3, DAY, "carol", 3_000), failed(4, DAY, "dave"), completed(5, DAY, "erin", 1_000),
                refund("r-1", DAY, "erin", 1_500)));

        for (LeaderboardEntry entry : store.leaderboard(DAY, 10)) {
            assertThat(store.rank(DAY, entry.customerId())).contains(entry);
        }
        assertThat(store.rank(DAY, "carol")).contains(new LeaderboardEntry(3, "carol", 3_000));
        assertThat(store.rank(DAY, "dave")).isEmpty();
        assertThat(store.rank(DAY, "erin")).isEmpty();
        assertThat(store.rank(DAY, "nobody")).isEmpty();
        assertThat(store.rank(NEXT_DAY, "bob")).isEmpty();
    }

    // --- Customers ---

    @Test
    void onlyCompletedOrdersMakeUniqueCustomers() {
        store.applyAll(List.of(completed(1, DAY, "alice", 1_000), completed(2, DAY, "alice", 2_000),
                completed(3, DAY, "bob", 1_000), failed(4, DAY, "carol"), refund("r-9", DAY, "dave", 500)));

        assertThat(store.totals(DAY).uniqueCustomers()).isEqualTo(2);
        assertThat(store.customers(DAY)).containsExactlyInAnyOrder("alice", "bob");
    }

    @Test
    void distinctCustomersOverARangeAreTheUnionOfTheDaysNotTheSum() {
        store.applyAll(List.of(completed(1, DAY, "alice", 1_000), completed(2, DAY, "bob", 1_000),
                completed(3, NEXT_DAY, "alice", 1_000), completed(4, THIRD_DAY, "alice", 1_000),
                completed(5, THIRD_DAY, "carol", 1_000)));

        Set<String> overTheRange = new HashSet<>();
        long summed = 0;
        for (LocalDate day : List.of(DAY, NEXT_DAY, THIRD_DAY)) {
            overTheRange.addAll(store.customers(day));
            summed += store.totals(day).uniqueCustomers();
        }

        assertThat(store.customers(NEXT_DAY)).containsExactly("alice");
        assertThat(summed).isEqualTo(5);
        assertThat(overTheRange).containsExactlyInAnyOrder("alice", "bob", "carol");
    }

    @Test
    void distinctCustomersOfARangeCountTheUnionAndOnlyTheDaysOfTheRange() {
        store.applyAll(List.of(completed(1, DAY.minusDays(1), "dave", 1_000), completed(2, DAY, "alice", 1_000),
                completed(3, DAY, "bob", 1_000), completed(4, NEXT_DAY, "alice", 1_000),
                failed(5, NEXT_DAY, "erin"), completed(6, THIRD_DAY, "carol", 1_000),
                completed(7, THIRD_DAY.plusDays(1), "frank", 1_000)));

        assertThat(store.distinctCustomers(DAY, THIRD_DAY)).isEqualTo(3);
        assertThat(store.distinctCustomers(DAY, DAY)).isEqualTo(2);
        assertThat(store.distinctCustomers(NEXT_DAY, NEXT_DAY)).isEqualTo(1);
        assertThat(store.distinctCustomers(DAY.minusDays(10), DAY.minusDays(2))).isZero();
    }

    @Test
    void rangeTotalsListEveryDayInOrderWithZerosForDaysWithoutData() {
        store.applyAll(List.of(completed(1, DAY, "alice", 1_250), failed(2, THIRD_DAY, "bob"),
                refund("r1", THIRD_DAY, "alice", 250)));

        List<DailyTotals> days = store.totals(DAY.minusDays(1), THIRD_DAY);

        assertThat(days).extracting(DailyTotals::day)
                .containsExactly(DAY.minusDays(1), DAY, NEXT_DAY, THIRD_DAY);
        assertThat(days.get(0)).isEqualTo(DailyTotals.empty(DAY.minusDays(1)));
        assertThat(days.get(1)).isEqualTo(store.totals(DAY));
        assertThat(days.get(1).grossRevenueCents()).isEqualTo(1_250);
        assertThat(days.get(2)).isEqualTo(DailyTotals.empty(NEXT_DAY));
        assertThat(days.get(3)).isEqualTo(new DailyTotals(THIRD_DAY, 0, 0, 1, 250, 0));
        assertThat(store.totals(DAY, DAY)).containsExactly(store.totals(DAY));
    }

    @Test
    void rangeReadsRefuseAStartAfterTheEnd() {
        assertThatThrownBy(() -> store.totals(NEXT_DAY, DAY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.distinctCustomers(NEXT_DAY, DAY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefundOnALaterDayCountsOnTheRefundDayWithoutListingTheCustomer() {
        store.apply(completed(1, DAY, "alice", 5_000));
        store.apply(refund("r-1", NEXT_DAY, "alice", 2_000));

        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 5_000, 1, 0, 0, 1));
        assertThat(store.leaderboard(DAY, 10)).containsExactly(new LeaderboardEntry(1, "alice", 5_000));
        DailyTotals refundDay = store.totals(NEXT_DAY);
        assertThat(refundDay).isEqualTo(new DailyTotals(NEXT_DAY, 0, 0, 0, 2_000, 0));
        assertThat(refundDay.totalRevenueCents()).isEqualTo(-2_000);
        assertThat(store.hasData(NEXT_DAY)).isTrue();
        assertThat(store.leaderboard(NEXT_DAY, 10)).isEmpty();
        assertThat(store.rank(NEXT_DAY, "alice")).isEmpty();
        assertThat(store.customers(NEXT_DAY)).isEmpty();
    }

    // --- Replacing a day ---

    @Test
    void replaceDayReplacesTheDayInsteadOfAddingToIt() {
        store.applyAll(List.of(completed(1, DAY, "alice", 1_000), completed(2, DAY, "bob", 2_000),
                failed(3, DAY, "carol"), completed(9, NEXT_DAY, "alice", 900)));
        DayRebuild rebuild = DayRebuild.of(DAY, List.of(completed(2, DAY, "bob", 2_000),
                completed(4, DAY, "carol", 4_000), refund("r-1", DAY, "bob", 500)));

        store.replaceDay(rebuild);

        assertThat(store.totals(DAY)).isEqualTo(rebuild.totals());
        assertThat(store.customers(DAY)).containsExactlyInAnyOrder("bob", "carol");
        assertThat(store.leaderboard(DAY, 10)).containsExactly(
                new LeaderboardEntry(1, "carol", 4_000),
                new LeaderboardEntry(2, "bob", 1_500));
        assertThat(store.rank(DAY, "alice")).isEmpty();
        assertThat(store.totals(NEXT_DAY)).isEqualTo(new DailyTotals(NEXT_DAY, 900, 1, 0, 0, 1));
    }

    @Test
    void afterAReplaceExactlyTheRebuildsKeysAreDuplicates() {
        store.applyAll(List.of(completed(1, DAY, "alice", 1_000), completed(2, DAY, "bob", 2_000)));
        store.replaceDay(DayRebuild.of(DAY, List.of(completed(2, DAY, "bob", 2_000),
                completed(4, DAY, "carol", 4_000))));

        assertThat(store.apply(completed(2, DAY, "bob", 2_000))).isFalse();
        assertThat(store.apply(completed(4, DAY, "carol", 4_000))).isFalse();
        assertThat(store.apply(completed(1, DAY, "alice", 1_000))).isTrue();
        assertThat(store.apply(completed(5, DAY, "dave", 500))).isTrue();

        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 7_500, 4, 0, 0, 4));
    }

    @Test
    void aRebuildKeepsNegativeSpendSoLaterFactsAddUp() {
        store.replaceDay(DayRebuild.of(NEXT_DAY, List.of(refund("r-1", NEXT_DAY, "alice", 3_000))));
        assertThat(store.leaderboard(NEXT_DAY, 10)).isEmpty();

        store.apply(completed(7, NEXT_DAY, "alice", 5_000));

        assertThat(store.leaderboard(NEXT_DAY, 10)).containsExactly(new LeaderboardEntry(1, "alice", 2_000));
        assertThat(store.customers(NEXT_DAY)).containsExactly("alice");
    }

    @Test
    void replacingADayWithAnEmptyRebuildLeavesADayWithDataAndZeros() {
        store.apply(completed(1, DAY, "alice", 1_000));

        store.replaceDay(DayRebuild.of(DAY, List.of()));
        store.replaceDay(DayRebuild.of(NEXT_DAY, List.of()));

        for (LocalDate day : List.of(DAY, NEXT_DAY)) {
            assertThat(store.hasData(day)).isTrue();
            assertThat(store.totals(day)).isEqualTo(DailyTotals.empty(day));
            assertThat(store.customers(day)).isEmpty();
            assertThat(store.leaderboard(day, 10)).isEmpty();
        }
        assertThat(store.apply(completed(1, DAY, "alice", 1_000))).isTrue();
    }

    @Test
    void readersSeeTheWholeOldDayOrTheWholeNewDayWhileItIsReplaced() throws Exception {
        DayRebuild small = DayRebuild.of(DAY, List.of(completed(1, DAY, "alice", 1_000), failed(2, DAY, "bob")));
        DayRebuild large = DayRebuild.of(DAY, List.of(completed(3, DAY, "carol", 7_000),
                completed(4, DAY, "dave", 3_000), completed(5, DAY, "alice", 2_000), refund("r-1", DAY, "dave", 500)));
        store.replaceDay(small);
        Set<DailyTotals> wholeTotals = Set.of(small.totals(), large.totals());
        Set<List<LeaderboardEntry>> wholeLeaderboards = Set.of(leaderboardOf(small), leaderboardOf(large));
        AtomicBoolean replacing = new AtomicBoolean(true);

        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> replaces = writer.submit(() -> {
                try {
                    for (int i = 0; i < 300; i++) {
                        store.replaceDay(i % 2 == 0 ? large : small);
                    }
                } finally {
                    replacing.set(false);
                }
            });
            int reads = 0;
            while (replacing.get() || reads < 10) {
                assertThat(wholeTotals).contains(store.totals(DAY));
                assertThat(wholeLeaderboards).contains(store.leaderboard(DAY, 10));
                reads++;
            }
            replaces.get(30, TimeUnit.SECONDS);
        } finally {
            writer.shutdownNow();
        }
        assertThat(store.totals(DAY)).isEqualTo(small.totals());
    }

    @Test
    void aReplaceRacingWithAppliesKeepsExactlyTheFactsAppliedAfterIt() throws Exception {
        List<KpiFact> facts = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            facts.add(completed(i, DAY, "c" + (i % 50), 100 + i));
        }
        CountDownLatch underWay = new CountDownLatch(1);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> applying = writer.submit(() -> {
                for (int i = 0; i < facts.size(); i++) {
                    assertThat(store.apply(facts.get(i))).isTrue();
                    if (i == 1_000) {
                        underWay.countDown();
                    }
                }
            });
            assertThat(underWay.await(30, TimeUnit.SECONDS)).isTrue();
            store.replaceDay(DayRebuild.of(DAY, List.of()));
            applying.get(60, TimeUnit.SECONDS);
        } finally {
            writer.shutdownNow();
        }

        // One writer applies in order, so the replace discards a prefix and keeps the rest: a fact
        // lost in the swap would leave a gap.
        int kept = (int) store.totals(DAY).successfulOrders();
        List<KpiFact> discarded = facts.subList(0, facts.size() - kept);
        List<KpiFact> keptFacts = facts.subList(facts.size() - kept, facts.size());
        assertThat(store.totals(DAY)).isEqualTo(DayRebuild.of(DAY, keptFacts).totals());
        assertThat(store.applyAll(keptFacts)).isZero();
        assertThat(store.applyAll(discarded)).isEqualTo(discarded.size());
    }

    // --- Retention ---

    @Test
    void aDayIsKeptWithItsAppliedKeysUntilTheRetentionAfterItsLastUpdate() {
        KpiFact order = completed(1, DAY, "alice", 1_000);
        store.apply(order);

        advanceTime(RETENTION.minus(MARGIN));
        assertThat(store.hasData(DAY)).isTrue();
        assertThat(store.apply(order)).isFalse();

        advanceTime(MARGIN);
        assertThat(store.hasData(DAY)).isFalse();
        assertThat(store.totals(DAY)).isEqualTo(DailyTotals.empty(DAY));
        assertThat(store.customers(DAY)).isEmpty();
        assertThat(store.leaderboard(DAY, 10)).isEmpty();
        assertThat(store.rank(DAY, "alice")).isEmpty();

        // The keys went with the data, so the fact counts once in a day that starts over.
        assertThat(store.apply(order)).isTrue();
        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 1_000, 1, 0, 0, 1));
    }

    @Test
    void aFactArrivingAfterExpiryStartsTheDayFromZero() {
        KpiFact order = completed(1, DAY, "alice", 1_000);
        store.applyAll(List.of(order, completed(2, DAY, "bob", 2_000), refund("r-1", DAY, "alice", 300)));

        advanceTime(RETENTION);

        assertThat(store.apply(order)).isTrue();
        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 1_000, 1, 0, 0, 1));
        assertThat(store.leaderboard(DAY, 10)).containsExactly(new LeaderboardEntry(1, "alice", 1_000));
    }

    @Test
    void aLateUpdateOfAnyKindKeepsEveryPartOfTheDayLonger() {
        KpiFact first = completed(1, DAY, "alice", 1_000);
        store.apply(first);
        advanceTime(Duration.ofDays(20));
        // A failed order touches the fewest parts of a day; the customers and leaderboard must stay too.
        store.apply(failed(2, DAY, "bob"));

        advanceTime(Duration.ofDays(20));
        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 1_000, 1, 1, 0, 1));
        assertThat(store.customers(DAY)).containsExactly("alice");
        assertThat(store.leaderboard(DAY, 10)).containsExactly(new LeaderboardEntry(1, "alice", 1_000));
        assertThat(store.apply(first)).isFalse();

        advanceTime(Duration.ofDays(10));
        assertThat(store.hasData(DAY)).isFalse();
    }

    @Test
    void aReplaceCountsAsAnUpdateForRetention() {
        store.apply(completed(1, DAY, "alice", 1_000));
        advanceTime(Duration.ofDays(20));
        DayRebuild rebuild = DayRebuild.of(DAY, List.of(completed(1, DAY, "alice", 1_000),
                completed(2, DAY, "bob", 2_000)));
        store.replaceDay(rebuild);

        advanceTime(Duration.ofDays(20));
        assertThat(store.totals(DAY)).isEqualTo(rebuild.totals());
        assertThat(store.apply(completed(2, DAY, "bob", 2_000))).isFalse();

        advanceTime(Duration.ofDays(10));
        assertThat(store.hasData(DAY)).isFalse();
    }

    @Test
    void aDuplicateDoesNotExtendRetention() {
        KpiFact order = completed(1, DAY, "alice", 1_000);
        store.apply(order);
        advanceTime(Duration.ofDays(20));
        assertThat(store.apply(order)).isFalse();

        advanceTime(Duration.ofDays(10));

        assertThat(store.hasData(DAY)).isFalse();
    }

    @Test
    void eachDayExpiresOnItsOwnSchedule() {
        store.apply(completed(1, DAY, "alice", 1_000));
        advanceTime(Duration.ofDays(10));
        store.apply(completed(2, NEXT_DAY, "bob", 2_000));

        advanceTime(Duration.ofDays(20));
        assertThat(store.hasData(DAY)).isFalse();
        assertThat(store.totals(NEXT_DAY)).isEqualTo(new DailyTotals(NEXT_DAY, 2_000, 1, 0, 0, 1));

        advanceTime(Duration.ofDays(10));
        assertThat(store.hasData(NEXT_DAY)).isFalse();
    }

    @Test
    void zeroRetentionKeepsDaysForever() {
        KpiStore forever = open(Duration.ZERO);
        KpiFact order = completed(1, DAY, "alice", 1_000);
        forever.apply(order);

        advanceTime(Duration.ofDays(3_650));

        assertThat(forever.totals(DAY)).isEqualTo(new DailyTotals(DAY, 1_000, 1, 0, 0, 1));
        assertThat(forever.customers(DAY)).containsExactly("alice");
        assertThat(forever.apply(order)).isFalse();
    }

    // --- Zone ---

    @Test
    void theZoneIsUnsetUntilRecordedAndOutlivesRetention() {
        assertThat(store.zone()).isEmpty();

        store.setZone(ZoneId.of("Europe/Berlin"));
        store.setZone(ZoneId.of("America/New_York"));
        store.apply(completed(1, DAY, "alice", 1_000));
        advanceTime(RETENTION.multipliedBy(2));

        assertThat(store.zone()).contains(ZoneId.of("America/New_York"));
    }

    // --- Helpers ---

    /** {@code count} facts of every kind over {@code day} and the day after, 20 customers. */
    private static List<KpiFact> mixedFacts(long firstId, LocalDate day, int count) {
        List<KpiFact> facts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = firstId + i;
            LocalDate factDay = i % 2 == 0 ? day : day.plusDays(1);
            String customer = "c" + (i % 20);
            facts.add(switch (i % 10) {
                case 8 -> refund("r-" + id, factDay, customer, 100);
                case 9 -> failed(id, factDay, customer);
                default -> completed(id, factDay, customer, 1_000 + i);
            });
        }
        return facts;
    }

    private int applyOneByOne(List<KpiFact> facts) {
        int applied = 0;
        for (KpiFact fact : facts) {
            if (store.apply(fact)) {
                applied++;
            }
        }
        return applied;
    }

    private int applyInBatches(List<KpiFact> facts, int batchSize) {
        int applied = 0;
        for (int from = 0; from < facts.size(); from += batchSize) {
            applied += store.applyAll(facts.subList(from, Math.min(facts.size(), from + batchSize)));
        }
        return applied;
    }

    private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> future : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The leaderboard SPEC §5 defines for a day's content, computed independently of any store. */
    private static List<LeaderboardEntry> leaderboardOf(DayRebuild day) {
        List<Map.Entry<String, Long>> listed = new ArrayList<>();
        for (Map.Entry<String, Long> entry : day.netCentsByCustomer().entrySet()) {
            if (entry.getValue() > 0) {
                listed.add(entry);
            }
        }
        listed.sort((a, b) -> LeaderboardEntry.compare(a.getValue(), a.getKey(), b.getValue(), b.getKey()));
        List<LeaderboardEntry> entries = new ArrayList<>();
        for (Map.Entry<String, Long> entry : listed) {
            entries.add(new LeaderboardEntry(entries.size() + 1, entry.getKey(), entry.getValue()));
        }
        return entries;
    }
}
