package io.orderkpi.testkit;

import static io.orderkpi.core.kpi.KpiFact.completed;
import static io.orderkpi.core.kpi.KpiFact.refund;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.kpi.DayRebuild;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.kpi.LeaderboardEntry;
import io.orderkpi.core.memory.MemoryKpiStore;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the memory store adds to {@link KpiStoreContract}: its defaults, purging, large leaderboards. */
class MemoryKpiStoreTest {

    private static final LocalDate DAY = LocalDate.of(2025, 11, 16);

    private final MutableClock clock = MutableClock.at("2025-11-16T12:00:00Z");

    @Test
    void keepsADayThirtyDaysAfterItsLastUpdateByDefault() {
        MemoryKpiStore store = MemoryKpiStore.builder().clock(clock).build();
        store.apply(completed(1, DAY, "alice", 1_000));

        clock.advance(Duration.ofDays(30).minusMillis(1));
        assertThat(store.hasData(DAY)).isTrue();

        clock.advance(Duration.ofMillis(1));
        assertThat(store.hasData(DAY)).isFalse();
    }

    @Test
    void purgeExpiredDropsOnlyDaysPastTheirRetention() {
        MemoryKpiStore store = MemoryKpiStore.builder().clock(clock).retention(Duration.ofDays(30)).build();
        store.apply(completed(1, DAY, "alice", 1_000));
        clock.advance(Duration.ofDays(10));
        store.apply(completed(2, DAY.plusDays(1), "bob", 1_000));
        clock.advance(Duration.ofDays(20));

        assertThat(store.purgeExpired()).isEqualTo(1);
        assertThat(store.purgeExpired()).isZero();
        assertThat(store.hasData(DAY.plusDays(1))).isTrue();
    }

    @Test
    void startingANewDayDropsExpiredDaysThatNobodyReads() {
        MemoryKpiStore store = MemoryKpiStore.builder().clock(clock).build();
        store.apply(completed(1, DAY, "alice", 1_000));
        clock.advance(Duration.ofDays(31));

        store.apply(completed(2, DAY.plusDays(31), "bob", 1_000));

        assertThat(store.purgeExpired()).isZero();
    }

    @Test
    void aRetentionBelowAMillisecondStillExpires() {
        MemoryKpiStore store = MemoryKpiStore.builder().clock(clock).retention(Duration.ofNanos(1)).build();
        store.apply(completed(1, DAY, "alice", 1_000));

        clock.advance(Duration.ofMillis(1));

        assertThat(store.hasData(DAY)).isFalse();
    }

    @Test
    void refusesANegativeRetention() {
        assertThatThrownBy(() -> MemoryKpiStore.builder().retention(Duration.ofDays(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    @Test
    void selectsTheTopOfAManyCustomerLeaderboardAsAFullSortWould() {
        MemoryKpiStore store = MemoryKpiStore.builder().clock(clock).build();
        Random random = new Random(7);
        List<KpiFact> facts = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            String customer = "c" + random.nextInt(2_000);
            // Coarse amounts make many ties; refunds push some customers to zero or below.
            facts.add(random.nextInt(4) == 0
                    ? refund("r-" + i, DAY, customer, 100L * random.nextInt(20))
                    : completed(i, DAY, customer, 100L * random.nextInt(20)));
        }
        store.applyAll(facts);
        List<LeaderboardEntry> sorted = fullySorted(DayRebuild.of(DAY, facts).netCentsByCustomer());

        assertThat(store.leaderboard(DAY, 10)).isEqualTo(sorted.subList(0, 10));
        assertThat(store.leaderboard(DAY, Integer.MAX_VALUE)).isEqualTo(sorted);
        for (LeaderboardEntry entry : sorted.subList(sorted.size() - 5, sorted.size())) {
            assertThat(store.rank(DAY, entry.customerId())).contains(entry);
        }
    }

    private static List<LeaderboardEntry> fullySorted(Map<String, Long> netByCustomer) {
        List<LeaderboardEntry> unranked = new ArrayList<>();
        netByCustomer.forEach((customer, net) -> {
            if (net > 0) {
                unranked.add(new LeaderboardEntry(1, customer, net));
            }
        });
        unranked.sort(LeaderboardEntry.ORDER);
        List<LeaderboardEntry> ranked = new ArrayList<>();
        for (LeaderboardEntry entry : unranked) {
            ranked.add(new LeaderboardEntry(ranked.size() + 1, entry.customerId(), entry.netCents()));
        }
        return ranked;
    }
}
