package io.orderkpi.core.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.order.Money;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderboardEntryTest {

    @Test
    void ordersByNetDescendingThenCustomerIdAscending() {
        List<LeaderboardEntry> entries = new ArrayList<>(List.of(
                new LeaderboardEntry(1, "bob", 100), new LeaderboardEntry(1, "carol", 300),
                new LeaderboardEntry(1, "alice", 100), new LeaderboardEntry(1, "Zed", 100)));

        entries.sort(LeaderboardEntry.ORDER);

        assertThat(entries).extracting(LeaderboardEntry::customerId).containsExactly("carol", "Zed", "alice", "bob");
    }

    @Test
    void customerIdsCompareAsUnsignedUtf8BytesNotAsUtf16Units() {
        String[] ids = {"\uD835\uDC00", "\uFF21", "a", "ab", "", "\u00E9", "\uD83D\uDE00", "\uE000", "Z"};

        String[] byComparator = ids.clone();
        Arrays.sort(byComparator, LeaderboardEntry::compareCustomerIds);
        String[] byBytes = ids.clone();
        Arrays.sort(byBytes, (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8)));

        assertThat(byComparator).containsExactly(byBytes);
        // String.compareTo would put the supplementary character first.
        assertThat(LeaderboardEntry.compareCustomerIds("\uFF21", "\uD835\uDC00")).isNegative();
    }

    @Test
    void showsTheNetAsMoneyAndRefusesRanksBelowOne() {
        assertThat(new LeaderboardEntry(1, "alice", 1_523_450).totalSpent()).isEqualTo(Money.ofCents(1_523_450));
        assertThatThrownBy(() -> new LeaderboardEntry(0, "alice", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
