package io.orderkpi.core.analytics;

import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.LeaderboardEntry;
import java.util.List;
import java.util.Objects;

/** One day's KPIs and the top of its leaderboard. */
public record DailyReport(DailyTotals totals, List<LeaderboardEntry> leaderboard) {

    public DailyReport {
        Objects.requireNonNull(totals, "totals");
        leaderboard = List.copyOf(leaderboard);
    }
}
