package io.orderkpi.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderkpi.server.cli.Listing.Column;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orderkpi analytics ...}: the daily report, backfill and verify, over the HTTP API. */
@Command(name = "analytics", mixinStandardHelpOptions = true, description = "KPI reports, backfill and verify.",
        subcommands = {AnalyticsCommand.DailyReport.class, AnalyticsCommand.Backfill.class,
            AnalyticsCommand.Verify.class})
final class AnalyticsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "an analytics subcommand is required");
    }

    /**
     * The server's today: dates are resolved in the server's zone (SPEC §9), and the daily
     * route resolves "today" there, so one small request avoids guessing the zone here.
     */
    static LocalDate serverToday(ApiClient client) {
        return LocalDate.parse(client.get("/api/v1/analytics/daily/today").data().path("date").asText());
    }

    /** --from/--to/--days of backfill and verify; a picocli mixin, so both commands declare them alike. */
    static final class DayRange {

        @Option(names = "--from", paramLabel = "DATE", description = "First day, YYYY-MM-DD.")
        LocalDate from;

        @Option(names = "--to", paramLabel = "DATE", description = "Last day, YYYY-MM-DD (default today).")
        LocalDate to;

        @Option(names = "--days", paramLabel = "N", description = "Days ending --to (default 30); not with --from.")
        Integer days;

        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec spec;

        /** [from, to]; see {@link AnalyticsCommand#range}. */
        LocalDate[] resolve(ApiClient client) {
            return range(spec, client, from, to, days);
        }
    }

    /** [from, to] from --from/--to/--days; --days counts back from --to or the server's today. */
    static LocalDate[] range(CommandLine.Model.CommandSpec spec, ApiClient client, LocalDate from, LocalDate to,
            Integer days) {
        if (from != null && days != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from and --days are mutually exclusive");
        }
        int span = days == null ? 30 : days;
        if (span < 1 || span > 366) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--days must be 1..366: " + span);
        }
        if (from != null && to != null && from.isAfter(to)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--from " + from + " is after --to " + to);
        }
        LocalDate end = to != null ? to : serverToday(client);
        LocalDate start = from != null ? from : end.minusDays(span - 1L);
        return new LocalDate[] {start, end};
    }

    /** How the daily report is exported. */
    enum ExportFormat { json, csv }

    /** {@code analytics daily-report [DATE] [--export json|csv] [--output FILE] [--limit N]}. */
    @Command(name = "daily-report", mixinStandardHelpOptions = true,
            description = {"Print a day's KPIs and its top customers (seed's analytics:daily-report).",
                "--export json writes the API's data as pretty JSON; --export csv writes two CSV files: FILE with"
                    + " metric,value rows (plain numbers, the API's field names) and FILE-leaderboard.csv with"
                    + " rank,customer_id,total_spent rows."})
    static final class DailyReport implements Callable<Integer> {

        @Parameters(index = "0", defaultValue = "yesterday", paramLabel = "DATE",
                description = "YYYY-MM-DD, today or yesterday (default yesterday), in the server's zone.")
        String date;

        @Option(names = "--export", paramLabel = "FORMAT", description = "Also export: ${COMPLETION-CANDIDATES}.")
        ExportFormat export;

        @Option(names = "--output", paramLabel = "FILE",
                description = "Export file (default daily-report-DATE.json or .csv).")
        Path output;

        @Option(names = "--limit", defaultValue = "10", description = "Customers in the leaderboard, 1..100 (default 10).")
        int limit;

        @Mixin
        ServerOptions server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (!date.equals("today") && !date.equals("yesterday")) {
                try {
                    LocalDate.parse(date);
                } catch (DateTimeParseException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "DATE must be YYYY-MM-DD, today or yesterday: '" + date + "'");
                }
            }
            if (limit < 1 || limit > 100) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1..100: " + limit);
            }
            if (output != null && export == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--output needs --export json|csv");
            }
            OrderKpiCli cli = OrderKpiCli.current();
            ApiClient client = server.client();
            ObjectNode data = (ObjectNode) client.get("/api/v1/analytics/daily/" + ApiClient.segment(date)).data();
            String day = data.path("date").asText();
            if (limit != 10) {
                // The daily route always answers the top 10; another size comes from the leaderboard route.
                JsonNode board = client.get(ApiClient.path("/api/v1/analytics/leaderboard/" + ApiClient.segment(day),
                        Map.of("limit", limit))).data().path("leaderboard");
                data.set("leaderboard", board);
            }
            print(cli.out(), data, limit);
            if (export != null) {
                Path target = cli.workingDir().resolve(output != null ? output
                        : Path.of("daily-report-" + day + "." + export.name()));
                if (export == ExportFormat.json) {
                    Files.writeString(target, ApiClient.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(data) + System.lineSeparator(),
                            StandardCharsets.UTF_8);
                    cli.out().println("Exported the daily report to " + target);
                } else {
                    Path board = leaderboardFile(target);
                    writeCsv(data, target, board);
                    cli.out().println("Exported the daily report to " + target + " and " + board);
                }
            }
            return 0;
        }

        static void print(PrintWriter out, JsonNode data, int limit) {
            JsonNode kpis = data.path("kpis");
            String day = data.path("date").asText();
            out.println("Daily KPI Report for " + day);
            Tables.print(out, List.of("Metric", "Value"), List.of(
                    List.of("Total Revenue", Tables.money(kpis.get("total_revenue"))),
                    List.of("Order Count", Tables.text(kpis.get("order_count"))),
                    List.of("Successful Orders", Tables.text(kpis.get("successful_orders"))),
                    List.of("Failed Orders", Tables.text(kpis.get("failed_orders"))),
                    List.of("Conversion Rate", Tables.percent(kpis.get("conversion_rate"))),
                    List.of("Average Order Value", Tables.money(kpis.get("average_order_value"))),
                    List.of("Unique Customers", Tables.text(kpis.get("unique_customers"))),
                    List.of("Refund Amount", Tables.money(kpis.get("refund_amount")))));
            List<JsonNode> board = Tables.elements(data.get("leaderboard"));
            out.println();
            if (board.isEmpty()) {
                out.println("No customers ranked for " + day + ".");
                return;
            }
            out.println("Top " + limit + " Customers");
            Listing.table(out, board, List.of(Column.text("Rank", "rank"), Column.text("Customer ID", "customer_id"),
                    Column.money("Total Spent", "total_spent")));
        }

        static Path leaderboardFile(Path target) {
            String name = target.getFileName().toString();
            String stem = name.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")
                    ? name.substring(0, name.length() - 4) : name;
            return target.resolveSibling(stem + "-leaderboard.csv");
        }

        /** Two plain CSV files, each with one header row, so any CSV reader takes them as they are. */
        static void writeCsv(JsonNode data, Path metrics, Path leaderboard) throws IOException {
            try (Writer w = Files.newBufferedWriter(metrics, StandardCharsets.UTF_8)) {
                w.write("metric,value\r\n");
                for (Map.Entry<String, JsonNode> e : data.path("kpis").properties()) {
                    w.write(Csv.field(e.getKey()) + "," + Csv.field(Tables.text(e.getValue())) + "\r\n");
                }
            }
            try (Writer w = Files.newBufferedWriter(leaderboard, StandardCharsets.UTF_8)) {
                w.write("rank,customer_id,total_spent\r\n");
                for (JsonNode entry : Tables.elements(data.get("leaderboard"))) {
                    w.write(Csv.field(Tables.text(entry.get("rank"))) + "," + Csv.field(Tables.text(entry.get("customer_id")))
                            + "," + Csv.field(Tables.text(entry.get("total_spent"))) + "\r\n");
                }
            }
        }
    }

    /** {@code analytics backfill [--from --to | --days 30] [--force]}: queues a rebuild and waits for it. */
    @Command(name = "backfill", mixinStandardHelpOptions = true,
            description = {"Fill the KPI store from the orders (seed's analytics:backfill-kpis): days without KPI data,"
                + " or every day of the range with --force. Waits for the server's job unless --no-wait.",
                "Without --from: the last --days days (default 30) ending --to or today, in the server's zone."})
    static final class Backfill implements Callable<Integer> {

        @Mixin
        DayRange dates;

        @Option(names = "--force", description = "Rebuild every day of the range, replacing what is stored.")
        boolean force;

        @Option(names = "--no-wait", description = "Print the job id and return without waiting.")
        boolean noWait;

        @Option(names = "--timeout", defaultValue = "PT10M", paramLabel = "DURATION",
                description = "How long to wait for the job (ISO-8601, default PT10M).")
        Duration timeout;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() throws InterruptedException {
            OrderKpiCli cli = OrderKpiCli.current();
            ApiClient client = server.client();
            LocalDate[] range = dates.resolve(client);
            JsonNode job = client.post("/api/v1/analytics/backfill",
                    ApiClient.params("from", range[0].toString(), "to", range[1].toString(), "force", force)).data();
            String id = job.path("job_id").asText();
            cli.out().println("Backfill job " + id + " queued for " + range[0] + " to " + range[1]
                    + (force ? " (force: every day rebuilt)" : ""));
            cli.out().flush();
            if (noWait) {
                return 0;
            }
            JsonNode done = Polling.until(timeout, Duration.ofMillis(250),
                    () -> client.get("/api/v1/analytics/backfill/" + ApiClient.segment(id)).data(),
                    status -> Polling.isFinal(status.path("state").asText()),
                    "Backfill job " + id + " is still running after " + timeout + "; check it with GET"
                            + " /api/v1/analytics/backfill/" + id);
            if (done.path("state").asText().equals("failed")) {
                throw new CliException("Backfill job " + id + " failed: " + Tables.text(done.get("error")));
            }
            cli.out().println("Backfill completed: " + Tables.text(done.path("result").get("days_rebuilt"))
                    + " day(s) rebuilt.");
            return 0;
        }
    }

    /** {@code analytics verify [--from --to]}: compares the KPI store with a recomputation; exit 1 when they differ. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Compare the stored KPIs with a recomputation from the orders; exit 1 when they differ.",
                "Without --from: the last --days days (default 30) ending --to or today, in the server's zone."})
    static final class Verify implements Callable<Integer> {

        @Mixin
        DayRange dates;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            OrderKpiCli cli = OrderKpiCli.current();
            ApiClient client = server.client();
            // Both ends given: the server checks them itself, so no request for the server's today.
            LocalDate[] range = dates.from != null && dates.to != null ? new LocalDate[] {dates.from, dates.to}
                    : dates.resolve(client);
            JsonNode data = client.get(ApiClient.path("/api/v1/analytics/verify",
                    ApiClient.params("start_date", range[0], "end_date", range[1]))).data();
            List<JsonNode> differences = Tables.elements(data.get("differences"));
            String span = data.path("start_date").asText() + " to " + data.path("end_date").asText();
            if (differences.isEmpty()) {
                cli.out().println("No differences between the KPI store and the orders from " + span + ".");
                return 0;
            }
            Listing.table(cli.out(), differences, List.of(Column.text("Date", "date"), Column.text("Field", "field"),
                    Column.text("Stored", "stored"), Column.text("Expected", "expected")));
            cli.out().flush();
            cli.err().println("error: " + differences.size() + " KPI difference(s) from " + span
                    + "; rebuild with: analytics backfill --force --from " + data.path("start_date").asText()
                    + " --to " + data.path("end_date").asText());
            return OrderKpiCli.ERROR;
        }
    }
}
