package io.orderkpi.core.kpi;

import static io.orderkpi.core.kpi.KpiFact.completed;
import static io.orderkpi.core.kpi.KpiFact.failed;
import static io.orderkpi.core.kpi.KpiFact.refund;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DayRebuildTest {

    private static final LocalDate DAY = LocalDate.of(2025, 11, 16);

    @Test
    void computesADayFromItsFactsCountingEachKeyOnce() {
        DayRebuild rebuild = DayRebuild.of(DAY, List.of(
                completed(1, DAY, "alice", 1_000),
                completed(1, DAY, "alice", 1_000),
                completed(2, DAY, "bob", 3_000),
                failed(3, DAY, "carol"),
                refund("r-1", DAY, "bob", 500),
                refund("r-2", DAY, "dave", 700)));

        assertThat(rebuild.day()).isEqualTo(DAY);
        assertThat(rebuild.totals()).isEqualTo(new DailyTotals(DAY, 4_000, 2, 1, 1_200, 2));
        assertThat(rebuild.customers()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(rebuild.netCentsByCustomer()).isEqualTo(Map.of("alice", 1_000L, "bob", 2_500L, "dave", -700L));
        assertThat(rebuild.appliedKeys()).containsExactlyInAnyOrder("order:1:completed", "order:2:completed",
                "order:3:failed", "refund:r-1", "refund:r-2");
    }

    @Test
    void refusesAFactOfAnotherDay() {
        assertThatThrownBy(() -> DayRebuild.of(DAY, List.of(completed(1, DAY.plusDays(1), "alice", 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("order:1:completed");
    }

    @Test
    void refusesTotalsThatDisagreeWithTheCustomers() {
        DailyTotals twoCustomers = new DailyTotals(DAY, 2_000, 2, 0, 0, 2);

        assertThatThrownBy(() -> new DayRebuild(twoCustomers, Map.of(), Set.of("alice"), Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 unique customers");
    }
}
