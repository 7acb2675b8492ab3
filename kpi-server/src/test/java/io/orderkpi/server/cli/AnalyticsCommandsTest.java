package io.orderkpi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.LeaderboardEntry;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.importer.ImportSubmission;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.ServerConfig;
import io.orderkpi.server.TestServers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analytics commands, run in-process against a real server holding imported and processed orders. */
class AnalyticsCommandsTest {

    @TempDir
    static Path serverDir;

    @TempDir
    Path dir;

    static OrderKpiServer server;
    static LocalDate today;
    static LocalDate busyDay;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startAndSettle() {
        server = TestServers.start(serverDir, Map.of(ServerConfig.API_TOKEN, TestServers.API_TOKEN));
        OrderKpi kpi = server.kpi();
        today = LocalDate.now(ZoneOffset.UTC);
        StringWriter csv = new StringWriter();
        SampleOrders.write(csv, SampleOrders.Options.builder().count(200).seed(5).days(3).now(Instant.now()).build());
        ImportSubmission submission = kpi.importStream(new ByteArrayInputStream(
                csv.toString().getBytes(StandardCharsets.UTF_8)), ImportOptions.named("cli-test.csv"), true);
        kpi.importer().awaitFinished(submission.run().importId(), Duration.ofMinutes(1));
        assertThat(TestServers.awaitIdle(kpi)).as("settled within 60 s").isTrue();
        busyDay = today.minusDays(1);
        assertThat(kpi.analytics().daily(busyDay, 10).leaderboard()).hasSizeGreaterThan(3);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Runs one command line against the test server, token and URL taken from the environment. */
    private int run(String... args) {
        return run(Map.of(), args);
    }

    private int run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("ORDERKPI_URL", server.uri().toString());
        env.put("ORDERKPI_TOKEN", TestServers.API_TOKEN);
        env.putAll(extraEnv);
        return new OrderKpiCli(env, dir, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void dailyReportPrintsTheSeedTablesWithExactMoney() {
        DailyTotals totals = server.kpi().analytics().daily(busyDay, 10).totals();
        List<LeaderboardEntry> top = server.kpi().analytics().leaderboard(busyDay, 10);

        int status = run("analytics", "daily-report", busyDay.toString());

        assertThat(status).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).startsWith("Daily KPI Report for " + busyDay + System.lineSeparator() + "+------")
                .contains("| Metric              | Value")
                .contains("| Total Revenue       | " + Tables.money(totals.totalRevenue().toBigDecimal()) + " ")
                .contains("| Order Count         | " + totals.orderCount() + " ")
                .contains("| Successful Orders   | " + totals.successfulOrders() + " ")
                .contains("| Failed Orders       | " + totals.failedOrders() + " ")
                .contains("| Conversion Rate     | " + totals.conversionRate().toPlainString() + "% ")
                .contains("| Average Order Value | " + Tables.money(totals.averageOrderValue().toBigDecimal()) + " ")
                .contains("| Unique Customers    | " + totals.uniqueCustomers() + " ")
                .contains("| Refund Amount       | " + Tables.money(totals.refundAmount().toBigDecimal()) + " ")
                .contains("Top 10 Customers")
                .contains("| Rank | Customer ID")
                .contains("| 1    | " + top.get(0).customerId() + " ");
        assertThat(text.lines().filter(l -> l.startsWith("| ") && l.contains("$")).count())
                .isEqualTo(3 + top.size());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void dailyReportDefaultsToYesterdayAsTheServerResolvesIt() {
        assertThat(run("analytics", "daily-report")).as(err.toString()).isZero();

        assertThat(out.toString()).startsWith("Daily KPI Report for " + busyDay);
    }

    @Test
    void aDayWithoutDataShowsZerosAndNoRankedCustomers() {
        assertThat(run("analytics", "daily-report", "2020-01-01")).isZero();

        assertThat(out.toString()).contains("| Total Revenue       | $0.00 ", "| Conversion Rate     | 0.00% ")
                .endsWith("No customers ranked for 2020-01-01." + System.lineSeparator());
    }

    @Test
    void dailyReportLimitAsksTheLeaderboardForThatMany() {
        assertThat(run("analytics", "daily-report", busyDay.toString(), "--limit", "3")).isZero();

        assertThat(out.toString()).contains("Top 3 Customers", "| 3    | ").doesNotContain("| 4    | ");
    }

    @Test
    void exportJsonWritesTheApisDataWithMoneyKeepingItsTwoDecimals() throws IOException {
        assertThat(run("analytics", "daily-report", busyDay.toString(), "--export", "json")).as(err.toString()).isZero();

        Path file = dir.resolve("daily-report-" + busyDay + ".json");
        assertThat(out.toString()).contains("Exported the daily report to " + file);
        JsonNode written = ApiClient.MAPPER.readTree(Files.readString(file));
        DailyTotals totals = server.kpi().analytics().daily(busyDay, 10).totals();
        assertThat(written.get("kpis").get("total_revenue").decimalValue())
                .isEqualTo(totals.totalRevenue().toBigDecimal());
        assertThat(Files.readString(file)).contains("\"total_revenue\" : " + totals.totalRevenue().toBigDecimal()
                .toPlainString() + ",");
        assertThat(written.get("leaderboard")).hasSize(10);
    }

    @Test
    void anExportIntoAMissingDirectorySaysWhy() {
        assertThat(run("analytics", "daily-report", busyDay.toString(), "--export", "csv", "--output",
                "/nonexistent/dir/x.csv")).isEqualTo(1);

        assertThat(err.toString()).contains("error: cannot use /nonexistent/dir/x.csv: no such file or directory");
    }

    @Test
    void exportCsvWritesMetricsAndLeaderboardAsTwoPlainCsvFiles() throws IOException {
        assertThat(run("analytics", "daily-report", busyDay.toString(), "--export", "csv", "--output", "day.csv",
                "--limit", "5")).as(err.toString()).isZero();

        DailyTotals totals = server.kpi().analytics().daily(busyDay, 10).totals();
        List<String> metrics = Files.readAllLines(dir.resolve("day.csv"));
        assertThat(metrics.get(0)).isEqualTo("metric,value");
        assertThat(metrics).contains("date," + busyDay, "total_revenue," + totals.totalRevenue().toBigDecimal()
                .toPlainString(), "order_count," + totals.orderCount());
        List<String> board = Files.readAllLines(dir.resolve("day-leaderboard.csv"));
        assertThat(board.get(0)).isEqualTo("rank,customer_id,total_spent");
        assertThat(board).hasSize(6);
        assertThat(board.get(1)).startsWith("1,");
        assertThat(out.toString()).contains("Exported the daily report to " + dir.resolve("day.csv") + " and "
                + dir.resolve("day-leaderboard.csv"));
    }

    @Test
    void backfillWaitsForItsJobAndVerifyThenFindsNoDifferences() {
        int status = run("analytics", "backfill", "--from", today.minusDays(3).toString(), "--to", today.toString(),
                "--force");

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("Backfill job [0-9a-f-]{36} queued for " + today.minusDays(3)
                + " to " + today).containsPattern("Backfill completed: [0-4] day\\(s\\) rebuilt\\.");

        out.getBuffer().setLength(0);
        assertThat(run("analytics", "verify", "--days", "5")).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("No differences between the KPI store and the orders from "
                + today.minusDays(4) + " to " + today + "." + System.lineSeparator());
    }

    @Test
    void aServerErrorIsOneLineWithTheServersMessageAndExit1() {
        int status = run("analytics", "verify", "--from", today.toString(), "--to", today.minusDays(1).toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: start_date must not be after end_date (HTTP 400)"
                + System.lineSeparator());
    }

    @Test
    void aMissingTokenIsTheServers401Message() {
        int status = run(Map.of("ORDERKPI_TOKEN", ""), "analytics", "daily-report");

        assertThat(status).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(1).first().asString().startsWith("error: ").endsWith("(HTTP 401)");
    }

    @Test
    void theServerOptionWinsOverTheEnvironment() {
        int status = run(Map.of("ORDERKPI_URL", "http://127.0.0.1:1"), "analytics", "daily-report",
                "--server", server.uri().toString());

        assertThat(status).as(err.toString()).isZero();
    }

    @Test
    void anUnreachableServerIsOneClearLineAndExit1() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;

        int status = run(Map.of("ORDERKPI_URL", url), "analytics", "daily-report");

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: Cannot reach the OrderKPI server at " + url
                + ": is it running? (./orderkpi serve)" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void usageErrorsExitWith2BeforeAnyRequest() {
        assertThat(run(Map.of("ORDERKPI_URL", "http://127.0.0.1:1"), "analytics", "daily-report", "2025-02-30"))
                .isEqualTo(2);
        assertThat(run("analytics", "daily-report", "--export", "xml")).isEqualTo(2);
        assertThat(run("analytics", "daily-report", "--limit", "0")).isEqualTo(2);
        assertThat(run("analytics", "backfill", "--from", "2025-01-01", "--days", "3")).isEqualTo(2);
        assertThat(run("analytics")).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(5).allMatch(l -> l.startsWith("error: "));
    }

    @Test
    void everyAnalyticsCommandHasHelp() {
        assertThat(run("analytics", "--help")).isZero();
        assertThat(run("analytics", "daily-report", "--help")).isZero();
        assertThat(run("analytics", "backfill", "--help")).isZero();
        assertThat(run("analytics", "verify", "--help")).isZero();
        assertThat(out.toString()).contains("daily-report", "--export", "--server", "--token", "--days", "--force");
    }
}
