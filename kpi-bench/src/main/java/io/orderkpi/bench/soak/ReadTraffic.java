package io.orderkpi.bench.soak;

import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * One report read per tick, in turn: the daily report, the range report of the last seven days
 * and the leaderboard, of today and the two days before (the days the imports fill).
 */
final class ReadTraffic implements Runnable {

    private final Api api;
    private long tick;

    ReadTraffic(Api api) {
        this.api = api;
    }

    @Override
    public void run() {
        long n = tick++;
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate day = today.minusDays(n / 3 % 3);
        switch ((int) (n % 3)) {
            case 0 -> api.get("GET /analytics/daily", "/api/v1/analytics/daily/" + day);
            case 1 -> api.get("GET /analytics/kpis", "/api/v1/analytics/kpis?start_date=" + today.minusDays(6)
                    + "&end_date=" + today);
            default -> api.get("GET /analytics/leaderboard", "/api/v1/analytics/leaderboard/" + day + "?limit=10");
        }
    }
}
