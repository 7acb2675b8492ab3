package io.orderkpi.server.routes;

import io.orderkpi.core.analytics.Analytics;
import io.orderkpi.core.analytics.DailyReport;
import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.analytics.KpiDifference;
import io.orderkpi.core.kpi.LeaderboardEntry;
import io.orderkpi.core.analytics.RangeReport;
import io.orderkpi.server.BackgroundJobs;
import io.orderkpi.server.ServerContext;
import io.orderkpi.server.http.ApiException;
import io.orderkpi.server.http.Request;
import io.orderkpi.server.http.Response;
import io.orderkpi.server.http.RouteOption;
import io.orderkpi.server.http.Router;
import io.orderkpi.server.http.Routes;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * The analytics API of SPEC §9, seed-compatible: daily report, leaderboard, range KPIs, a
 * customer's rank, backfill (202, run in the background) and verify. Money is written as
 * scale-2 {@link BigDecimal}s, so {@code 15234.50} keeps its two decimals.
 */
public final class AnalyticsRoutes implements Routes {

    static final int DAILY_LEADERBOARD = 10;

    private final ServerContext context;

    public AnalyticsRoutes(ServerContext context) {
        this.context = context;
    }

    @Override
    public void register(Router router) {
        router.get("/api/v1/analytics/daily/{date}", this::daily, RouteOption.ANALYTICS)
                .get("/api/v1/analytics/leaderboard/{date}", this::leaderboard, RouteOption.ANALYTICS)
                .get("/api/v1/analytics/kpis", this::kpis, RouteOption.ANALYTICS)
                .get("/api/v1/analytics/customers/{customer_id}/rank", this::rank, RouteOption.ANALYTICS)
                .get("/api/v1/analytics/verify", this::verify, RouteOption.ANALYTICS)
                .post("/api/v1/analytics/backfill", this::backfill)
                .get("/api/v1/analytics/backfill/{job_id}", this::backfillStatus, RouteOption.ANALYTICS);
    }

    // ---- views: snake_case JSON through the shared mapper

    /** Every KPI field of one day (SPEC §5). */
    record DayKpis(LocalDate date, BigDecimal totalRevenue, BigDecimal grossRevenue, long orderCount,
            long successfulOrders, long failedOrders, BigDecimal averageOrderValue, BigDecimal conversionRate,
            long uniqueCustomers, BigDecimal refundAmount) {

        static DayKpis of(DailyTotals t) {
            return new DayKpis(t.day(), t.totalRevenue().toBigDecimal(), t.grossRevenue().toBigDecimal(),
                    t.orderCount(), t.successfulOrders(), t.failedOrders(), t.averageOrderValue().toBigDecimal(),
                    t.conversionRate(), t.uniqueCustomers(), t.refundAmount().toBigDecimal());
        }
    }

    record Ranked(int rank, String customerId, BigDecimal totalSpent) {

        static List<Ranked> of(List<LeaderboardEntry> entries) {
            return entries.stream().map(e -> new Ranked(e.rank(), e.customerId(), e.totalSpent().toBigDecimal()))
                    .toList();
        }
    }

    record Daily(DayKpis kpis, List<Ranked> leaderboard, LocalDate date, java.time.Instant generatedAt) {
    }

    record Leaderboard(LocalDate date, int limit, List<Ranked> leaderboard) {
    }

    record Range(LocalDate startDate, LocalDate endDate, BigDecimal totalRevenue, BigDecimal totalGrossRevenue,
            long totalOrderCount, long totalSuccessfulOrders, long totalFailedOrders, BigDecimal averageOrderValue,
            BigDecimal conversionRate, long totalUniqueCustomers, BigDecimal totalRefundAmount,
            List<DayKpis> dailyBreakdown) {
    }

    record Rank(String customerId, LocalDate date, int rank, BigDecimal totalSpent) {
    }

    record Difference(LocalDate date, String field, String stored, String expected) {
    }

    record Verify(LocalDate startDate, LocalDate endDate, List<Difference> differences) {
    }

    /** The backfill request body; {@code to} defaults to today, {@code force} to false. */
    record BackfillBody(String from, String to, Boolean force) {
    }

    record Backfill(LocalDate from, LocalDate to, boolean force) {
    }

    record BackfillDone(int daysRebuilt) {
    }

    // ---- handlers

    private Response daily(Request request) {
        LocalDate day = dayOf(request);
        DailyReport report = context.kpi().analytics().daily(day, DAILY_LEADERBOARD);
        return Response.ok(new Daily(DayKpis.of(report.totals()), Ranked.of(report.leaderboard()), day,
                context.kpi().clock().instant()));
    }

    private Response leaderboard(Request request) {
        LocalDate day = dayOf(request);
        int limit = request.clampedInt("limit", 10, 1, 100);
        return Response.ok(new Leaderboard(day, limit,
                Ranked.of(context.kpi().analytics().leaderboard(day, limit))));
    }

    private Response kpis(Request request) {
        LocalDate[] range = range(request);
        RangeReport r = context.kpi().analytics().range(range[0], range[1]);
        return Response.ok(new Range(r.from(), r.to(), r.totalRevenue().toBigDecimal(),
                r.grossRevenue().toBigDecimal(), r.orderCount(), r.successfulOrders(), r.failedOrders(),
                r.averageOrderValue().toBigDecimal(), r.conversionRate(), r.uniqueCustomers(),
                r.refundAmount().toBigDecimal(), r.daily().stream().map(DayKpis::of).toList()));
    }

    private Response rank(Request request) {
        String customer = request.pathParam("customer_id");
        LocalDate day = request.query("date").map(this::day).orElseGet(context::today);
        LeaderboardEntry entry = context.kpi().analytics().rank(day, customer).orElseThrow(
                () -> ApiException.notFound("Customer " + customer + " is not ranked on " + day));
        return Response.ok(new Rank(entry.customerId(), day, entry.rank(), entry.totalSpent().toBigDecimal()));
    }

    private Response verify(Request request) {
        LocalDate[] range = range(request);
        List<KpiDifference> differences = context.kpi().analytics().verify(range[0], range[1]);
        return Response.ok(new Verify(range[0], range[1], differences.stream()
                .map(d -> new Difference(d.day(), d.field(), d.stored(), d.expected())).toList()));
    }

    private Response backfill(Request request) throws IOException {
        BackfillBody body = request.json(BackfillBody.class);
        if (body.from() == null) {
            throw ApiException.badRequest("from is required");
        }
        LocalDate from = day(body.from());
        LocalDate to = body.to() == null ? context.today() : day(body.to());
        checkRange(from, to, "from", "to");
        Backfill backfill = new Backfill(from, to, Boolean.TRUE.equals(body.force()));
        Analytics analytics = context.kpi().analytics();
        BackgroundJobs.JobStatus job = context.jobs().submit("backfill", backfill,
                () -> new BackfillDone(analytics.backfill(from, to, backfill.force())));
        return Response.accepted(job);
    }

    private Response backfillStatus(Request request) {
        UUID id;
        try {
            id = UUID.fromString(request.pathParam("job_id"));
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("No such job: " + request.pathParam("job_id"));
        }
        return Response.ok(context.jobs().find(id)
                .orElseThrow(() -> ApiException.notFound("No such job: " + id)));
    }

    // ---- parameters

    /** The day of a path: YYYY-MM-DD, or the words today/yesterday in the server's zone. */
    private LocalDate dayOf(Request request) {
        return day(request.pathParam("date"));
    }

    private LocalDate day(String text) {
        return Request.parseDay(text, context.today());
    }

    private LocalDate[] range(Request request) {
        LocalDate start = day(request.requiredQuery("start_date", "start_date parameter is required"));
        LocalDate end = request.query("end_date").map(this::day).orElseGet(context::today);
        checkRange(start, end, "start_date", "end_date");
        return new LocalDate[] {start, end};
    }

    private static void checkRange(LocalDate start, LocalDate end, String startName, String endName) {
        if (start.isAfter(end)) {
            throw ApiException.badRequest(startName + " must not be after " + endName);
        }
        if (ChronoUnit.DAYS.between(start, end) + 1 > Analytics.MAX_RANGE_DAYS) {
            throw ApiException.badRequest(startName + " and " + endName + " may span at most "
                    + Analytics.MAX_RANGE_DAYS + " days, counting both");
        }
    }

}
