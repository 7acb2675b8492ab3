package io.orderkpi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands whose endpoints another branch builds (SPEC §9 shapes): their requests and their
 * output, against recorded answers. End-to-end tests follow once the endpoints are merged.
 */
class ApiCommandsTest {

    static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    RecordedApi api;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws IOException {
        api = new RecordedApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private int run(String... args) {
        Map<String, String> env = Map.of("ORDERKPI_URL", api.uri().toString(), "ORDERKPI_TOKEN", "t0ken");
        return new OrderKpiCli(env, dir, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    private RecordedApi.Recorded lastRequest() {
        return api.requests.get(api.requests.size() - 1);
    }

    static final String ORDERS = """
            {"success":true,"data":{"orders":[
             {"id":42,"order_number":"ORD-042","customer_id":"CUST-7","customer_name":"Ann","status":"completed",
              "total_amount":1234.50,"currency":"USD","placed_at":"2025-11-16T10:00:00Z"},
             {"id":41,"order_number":"ORD-041","customer_id":"CUST-8","customer_name":"Bob","status":"pending",
              "total_amount":9.90,"currency":"USD","placed_at":"2025-11-16T09:00:00Z"}],"next_cursor":null}}
            """;

    @Test
    void ordersListSendsTheFiltersAndPrintsTheSeedTable() {
        api.on("GET /api/v1/orders", 200, ORDERS);

        int status = run("orders", "list", "--status", "completed", "--customer-id", "CUST 7", "--limit", "5");

        assertThat(status).as(err.toString()).isZero();
        assertThat(lastRequest().pathAndQuery())
                .isEqualTo("/api/v1/orders?status=completed&customer_id=CUST+7&limit=5");
        assertThat(lastRequest().authorization()).isEqualTo("Bearer t0ken");
        assertThat(out.toString()).isEqualTo("Found 2 order(s):" + NL
                + "+----+--------------+----------+-----------+-----------+----------------------+" + NL
                + "| ID | Order Number | Customer | Status    | Total     | Placed At            |" + NL
                + "+----+--------------+----------+-----------+-----------+----------------------+" + NL
                + "| 42 | ORD-042      | CUST-7   | completed | $1,234.50 | 2025-11-16T10:00:00Z |" + NL
                + "| 41 | ORD-041      | CUST-8   | pending   | $9.90     | 2025-11-16T09:00:00Z |" + NL
                + "+----+--------------+----------+-----------+-----------+----------------------+" + NL);
    }

    @Test
    void ordersListSaysWhenNothingMatches() {
        api.on("GET /api/v1/orders", 200, "{\"success\":true,\"data\":{\"orders\":[],\"next_cursor\":null}}");

        assertThat(run("orders", "list")).isZero();
        assertThat(out.toString()).isEqualTo("No orders found." + NL);
        assertThat(lastRequest().pathAndQuery()).isEqualTo("/api/v1/orders?limit=50");
    }

    @Test
    void ordersProcessQueuesOneOrAllPending() {
        api.on("POST /api/v1/orders/42/process", 202, "{\"success\":true,\"data\":{\"job_id\":\"j-1\"}}")
                .on("POST /api/v1/orders/process-pending", 202, "{\"success\":true,\"data\":{\"queued\":3}}");

        assertThat(run("orders", "process", "42")).isZero();
        assertThat(run("orders", "process", "--all-pending")).isZero();

        assertThat(out.toString()).isEqualTo("Order 42 queued for processing (job j-1)." + NL
                + "3 pending order(s) queued for processing." + NL);
        assertThat(run("orders", "process")).isEqualTo(2);
        assertThat(run("orders", "process", "42", "--all-pending")).isEqualTo(2);
    }

    @Test
    void aFinalOrderIsTheServers409OnOneLine() {
        api.on("POST /api/v1/orders/7/process", 409,
                "{\"success\":false,\"error\":\"Order 7 is completed: nothing to process\"}");

        assertThat(run("orders", "process", "7")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: Order 7 is completed: nothing to process (HTTP 409)" + NL);
    }

    @Test
    void ordersStuckAndRecover() {
        api.on("GET /api/v1/orders/stuck", 200, ORDERS)
                .on("POST /api/v1/orders/recover", 202, "{\"success\":true,\"data\":{\"queued\":2}}");

        assertThat(run("orders", "stuck", "--minutes", "30")).isZero();
        assertThat(lastRequest().pathAndQuery()).isEqualTo("/api/v1/orders/stuck?minutes=30");
        assertThat(run("orders", "recover")).isZero();

        assertThat(out.toString()).startsWith("Found 2 stuck order(s); queue them again with: orders recover" + NL)
                .contains("| 41 | ORD-041 ").endsWith("2 stuck order(s) queued again." + NL);
    }

    @Test
    void ordersImportStreamsTheFileFollowsTheImportAndWritesTheRejectedRows() throws IOException {
        String csv = "\uFEFForder_number,customer_id,total_amount,item1_product_id,item1_quantity,item1_unit_price\n"
                + "A-1,C1,10.00,P1,1,10.00\nA-2,C2,-1,P1,1,10.00\n"
                + "\"A-3\",\"C,\n3\",5.00,P1,1,5.00\nA-4,C4,4.00,P1,1,4.00\n";
        Files.writeString(dir.resolve("orders.csv"), csv);
        api.on("POST /api/v1/imports", 202, "{\"success\":true,\"data\":{\"import_id\":\"imp-1\"}}")
                .on("GET /api/v1/imports/imp-1", 200, """
                        {"success":true,"data":{"import_id":"imp-1","state":"completed","sha256":"ab","rows_read":2,
                         "imported":1,"skipped_existing":0,"rejected":1,
                         "rejected_rows":[{"line":3,"order_number":"A-2","reason":"total_amount must be > 0"}]}}""")
                .onText("GET /api/v1/imports/imp-1/rejected.csv", "text/csv",
                        "order_number,customer_id,total_amount,item1_product_id,item1_quantity,item1_unit_price,"
                                + "line,reason\r\nA-2,C2,-1,P1,1,10.00,3,total_amount must be > 0\r\n"
                                + "A-3,\"C,\n3\",5.00,P1,1,5.00,4,\"customer_id: only letters, digits\"\r\n");

        int status = run("orders", "import", "orders.csv", "--chunk", "500", "--process");

        assertThat(status).as(err.toString()).isZero();
        RecordedApi.Recorded upload = api.requests.get(0);
        assertThat(upload.pathAndQuery()).isEqualTo("/api/v1/imports?chunk=500&force=false&dry_run=false&process=true");
        assertThat(upload.contentType()).startsWith("text/csv");
        assertThat(upload.body()).isEqualTo(csv);
        int bytes = csv.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        Path rejected = dir.resolve("orders.csv.rejected.csv");
        assertThat(Files.readString(rejected)).isEqualTo("order_number,customer_id,total_amount,item1_product_id,"
                + "item1_quantity,item1_unit_price,line,reason\r\n"
                + "A-2,C2,-1,P1,1,10.00,3,total_amount must be > 0\r\n"
                + "A-3,\"C,\n3\",5.00,P1,1,5.00,4,\"customer_id: only letters, digits\"\r\n");
        assertThat(dir.resolve("orders.csv.rejected.csv.part")).doesNotExist();
        assertThat(out.toString())
                .contains("Uploading [##############################] 100% (" + bytes + " B of " + bytes + " B)")
                .contains("Uploaded; import imp-1 started")
                .contains("completed: 2 rows read (")
                .contains("Import imp-1 completed: 2 row(s) read, 1 imported, 0 skipped (already existing), 1 rejected.")
                .endsWith("Wrote 2 rejected row(s) to " + rejected + " (the rows as in the file, with line and reason"
                        + " appended)" + NL);
    }

    @Test
    void ordersImportReportsAnAlreadyImportedFile() throws IOException {
        Files.writeString(dir.resolve("again.csv"), "order_number\n");
        api.on("POST /api/v1/imports", 200, "{\"success\":true,\"data\":{\"import_id\":\"imp-0\"}}")
                .on("GET /api/v1/imports/imp-0", 200, "{\"success\":true,\"data\":{\"import_id\":\"imp-0\","
                        + "\"state\":\"completed\",\"rows_read\":5,\"imported\":5,\"skipped_existing\":0,\"rejected\":0}}");

        assertThat(run("orders", "import", "again.csv", "--dry-run", "--force")).isZero();

        assertThat(api.requests.get(0).pathAndQuery()).contains("force=true&dry_run=true");
        // The upload's own progress comes first (the answer is not known before); then only this line.
        assertThat(out.toString()).endsWith(NL + "This file was already imported as import imp-0; nothing imported"
                + " (use --force to run it again)." + NL).doesNotContain("Uploaded;", "completed:", "Import imp-0");
        assertThat(Files.exists(dir.resolve("again.csv.rejected.csv"))).isFalse();
    }

    @Test
    void ordersImportSaysWhenItWaitsForAPausedImportQueue() throws Exception {
        Files.writeString(dir.resolve("paused.csv"), "order_number\n");
        api.on("POST /api/v1/imports", 202, "{\"success\":true,\"data\":{\"import_id\":\"imp-2\"}}")
                .on("GET /api/v1/imports/imp-2", 200, "{\"success\":true,\"data\":{\"import_id\":\"imp-2\","
                        + "\"state\":\"running\",\"rows_read\":0,\"imported\":0,\"skipped_existing\":0,\"rejected\":0}}")
                .on("GET /api/v1/queues", 200, "{\"success\":true,\"data\":{\"queues\":[{\"name\":\"orders-import\","
                        + "\"paused\":true}],\"next_cursor\":null}}");

        java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> run("orders", "import", "paused.csv"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> out.toString().contains("running: 0 rows read"));
        api.on("GET /api/v1/imports/imp-2", 200, "{\"success\":true,\"data\":{\"import_id\":\"imp-2\","
                + "\"state\":\"completed\",\"rows_read\":0,\"imported\":0,\"skipped_existing\":0,\"rejected\":0}}");

        assertThat(exit.get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        assertThat(out.toString()).contains("running: 0 rows read (0 rows/s), 0 imported, 0 skipped, 0 rejected"
                + " - waiting: the orders-import queue is paused (./orderkpi queue continue orders-import)");
    }

    @Test
    void ordersImportOfAMissingFileOrARefusedFileIsOneLine() throws IOException {
        assertThat(run("orders", "import", "nope.csv")).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: Cannot read ").endsWith("nope.csv: no such file" + NL);
        assertThat(api.requests).isEmpty();

        err.getBuffer().setLength(0);
        Files.writeString(dir.resolve("empty.csv"), "");
        api.on("POST /api/v1/imports", 400, "{\"success\":false,\"error\":\"The file is empty\"}");
        assertThat(run("orders", "import", "empty.csv")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: The file is empty (HTTP 400)" + NL);
    }

    @Test
    void refundsProcessSendsThePartialRefundAndPrintsIt() {
        api.on("POST /api/v1/orders/42/refunds", 202, """
                {"success":true,"data":{"refund_id":"R-1","order_id":42,"customer_id":"CUST-7","type":"partial",
                 "amount":12.50,"reason":"damaged","status":"pending"}}""");

        assertThat(run("refunds", "process", "42", "--amount", "12.50", "--reason", "damaged", "--refund-id", "R-1"))
                .as(err.toString()).isZero();

        assertThat(lastRequest().body())
                .isEqualTo("{\"type\":\"partial\",\"amount\":12.50,\"reason\":\"damaged\",\"refund_id\":\"R-1\"}");
        assertThat(out.toString()).isEqualTo("Refund R-1 of order 42: partial $12.50, status pending" + NL);
    }

    @Test
    void refundsProcessReportsAKnownRefundIdAndChecksItsArguments() {
        api.on("POST /api/v1/orders/42/refunds", 200, "{\"success\":true,\"data\":{\"refund_id\":\"R-1\","
                + "\"order_id\":42,\"type\":\"full\",\"amount\":1234.50,\"status\":\"completed\"}}");

        assertThat(run("refunds", "process", "42")).isZero();
        assertThat(lastRequest().body()).isEqualTo("{\"type\":\"full\"}");
        assertThat(out.toString()).isEqualTo("Refund R-1 of order 42: full $1,234.50, status completed"
                + " (already requested earlier; nothing changed)" + NL);
        assertThat(run("refunds", "process", "42", "--type", "partial")).isEqualTo(2);
        assertThat(run("refunds", "process", "42", "--amount", "1.234")).isEqualTo(2);
        assertThat(run("refunds", "process", "42", "--amount", "-1")).isEqualTo(2);
        assertThat(run("refunds", "process", "42", "--type", "half")).isEqualTo(2);
    }

    @Test
    void refundsList() {
        api.on("GET /api/v1/refunds", 200, """
                {"success":true,"data":{"refunds":[{"refund_id":"R-1","order_id":42,"customer_id":"CUST-7",
                 "type":"partial","amount":12.50,"status":"completed","created_at":"2025-11-16T11:00:00Z"}],
                 "next_cursor":null}}""");

        assertThat(run("refunds", "list", "--order-id", "42", "--type", "partial")).isZero();

        assertThat(lastRequest().pathAndQuery()).isEqualTo("/api/v1/refunds?order_id=42&type=partial&limit=50");
        assertThat(out.toString()).startsWith("Found 1 refund(s):" + NL)
                .contains("| Refund ID | Order ID | Customer | Type    | Amount | Status    | Created At           |")
                .contains("| R-1       | 42       | CUST-7   | partial | $12.50 | completed | 2025-11-16T11:00:00Z |");
    }

    @Test
    void notificationsListPassesStatusAsState() {
        api.on("GET /api/v1/notifications", 200, """
                {"success":true,"data":{"notifications":[{"order_id":42,"refund_id":null,"customer_id":"CUST-7",
                 "type":"order_completed","channel":"log","state":"failed","attempts":3,"sent_at":null,
                 "error_message":"SMTP down"}],"next_cursor":null}}""");

        assertThat(run("notifications", "list", "--status", "failed", "--customer-id", "CUST-7")).isZero();

        assertThat(lastRequest().pathAndQuery())
                .isEqualTo("/api/v1/notifications?customer_id=CUST-7&state=failed&limit=50");
        assertThat(out.toString()).startsWith("Found 1 notification(s):" + NL)
                .contains("| 42       | -         | CUST-7   | order_completed | log     | failed | 3        | -       | SMTP down |");
    }

    @Test
    void queueStatusShowsEveryQueue() {
        api.on("GET /api/v1/queues", 200, """
                {"success":true,"data":{"queues":[{"queue":"order-processing","paused":false,"pending":5,"running":2,
                 "completed":100,"failed":1,"throughput_per_minute":40,"wait_p50_ms":12,"wait_p95_ms":80},
                 {"queue":"notifications","paused":true,"pending":0,"running":0,"completed":7,"failed":0,
                 "throughput_per_minute":0,"wait_p50_ms":0,"wait_p95_ms":0}]}}""");

        assertThat(run("queue", "status")).isZero();

        assertThat(out.toString())
                .contains("| Queue            | State   | Pending | Running | Completed | Failed | Jobs/min | Wait p50 | Wait p95 |")
                .contains("| order-processing | running | 5       | 2       | 100       | 1      | 40       | 12 ms    | 80 ms    |")
                .contains("| notifications    | paused  | 0       | 0       | 7         | 0      | 0        | 0 ms     | 0 ms     |");
    }

    @Test
    void queueFailedSaysWhenMoreFailedJobsMatchThanShown() {
        api.on("GET /api/v1/queues/failed", 200, """
                {"success":true,"data":{"failed_jobs":[{"id":"6f1c","queue":"refunds","type":"refund","subject":"refund r-77",
                 "attempts":3,"last_error":"Gateway timeout","failed_at":"2025-11-16T12:00:00Z"}],"next_cursor":"azE6Mw"}}""");

        assertThat(run("queue", "failed", "--limit", "1")).isZero();

        assertThat(out.toString()).startsWith("Found 1 failed job(s):" + NL)
                .endsWith("More failed jobs match; raise --limit or narrow the filters." + NL);
    }

    @Test
    void queueFailedRetryForgetPauseContinueClear() {
        api.on("GET /api/v1/queues/failed", 200, """
                {"success":true,"data":{"failed_jobs":[{"id":"6f1c","queue":"refunds","type":"refund","subject":"refund r-77","attempts":3,
                 "last_error":"Gateway timeout\\n at ...","failed_at":"2025-11-16T12:00:00Z"}],"next_cursor":null}}""")
                .on("POST /api/v1/queues/failed/6f1c/retry", 202, "{\"success\":true,\"data\":{}}")
                .on("POST /api/v1/queues/failed/retry-all", 202, "{\"success\":true,\"data\":{\"retried\":4}}")
                .on("DELETE /api/v1/queues/failed/6f1c", 200, "{\"success\":true,\"data\":{}}")
                .on("DELETE /api/v1/queues/failed", 200, "{\"success\":true,\"data\":{\"count\":2}}")
                .on("POST /api/v1/queues/refunds/pause", 200, "{\"success\":true,\"data\":{}}")
                .on("POST /api/v1/queues/refunds/continue", 200, "{\"success\":true,\"data\":{}}")
                .on("DELETE /api/v1/queues/refunds/jobs", 200, "{\"success\":true,\"data\":{\"cleared\":9}}");

        assertThat(run("queue", "failed", "--queue", "refunds", "-q", "timeout")).isZero();
        assertThat(lastRequest().pathAndQuery()).isEqualTo("/api/v1/queues/failed?queue=refunds&q=timeout&limit=50");
        assertThat(run("queue", "failed", "--limit", "500")).isZero();
        assertThat(lastRequest().pathAndQuery()).isEqualTo("/api/v1/queues/failed?limit=500");
        assertThat(run("queue", "failed", "--limit", "1")).isZero();
        assertThat(lastRequest().pathAndQuery()).isEqualTo("/api/v1/queues/failed?limit=1");
        assertThat(run("queue", "retry", "6f1c")).isZero();
        assertThat(run("queue", "retry", "--all", "--queue", "refunds")).isZero();
        assertThat(lastRequest().pathAndQuery()).isEqualTo("/api/v1/queues/failed/retry-all?queue=refunds");
        assertThat(run("queue", "forget", "6f1c")).isZero();
        assertThat(run("queue", "forget", "--all")).isZero();
        assertThat(lastRequest().method() + " " + lastRequest().pathAndQuery()).isEqualTo("DELETE /api/v1/queues/failed");
        assertThat(run("queue", "pause", "refunds")).isZero();
        assertThat(run("queue", "continue", "refunds")).isZero();
        assertThat(run("queue", "clear", "refunds")).isZero();

        assertThat(out.toString()).startsWith("Found 1 failed job(s):" + NL)
                .contains("| 6f1c | refunds | refund | refund r-77 | 3        | 2025-11-16T12:00:00Z | Gateway timeout |")
                .endsWith("Failed job 6f1c queued again." + NL
                        + "4 failed job(s) queued again in refunds." + NL
                        + "Failed job 6f1c forgotten." + NL
                        + "2 failed job(s) forgotten." + NL
                        + "Queue refunds paused." + NL
                        + "Queue refunds continued." + NL
                        + "9 pending job(s) cleared from refunds." + NL);
        assertThat(run("queue", "retry")).isEqualTo(2);
        assertThat(run("queue", "failed", "--limit", "0")).isEqualTo(2);
        assertThat(run("queue", "failed", "--limit", "501")).isEqualTo(2);
        assertThat(run("queue", "forget", "6f1c", "--all")).isEqualTo(2);
        assertThat(run("queue", "pause")).isEqualTo(2);
    }

    @Test
    void verifyPrintsEachDifferenceAndExits1() {
        api.on("GET /api/v1/analytics/verify", 200, """
                {"success":true,"data":{"start_date":"2025-11-01","end_date":"2025-11-02","differences":[
                 {"date":"2025-11-02","field":"total_revenue","stored":"100.00","expected":"90.00"}]}}""");

        int status = run("analytics", "verify", "--from", "2025-11-01", "--to", "2025-11-02");

        assertThat(status).isEqualTo(1);
        assertThat(lastRequest().pathAndQuery()).isEqualTo("/api/v1/analytics/verify?start_date=2025-11-01&end_date=2025-11-02");
        assertThat(out.toString()).isEqualTo(
                "+------------+---------------+--------+----------+" + NL
                + "| Date       | Field         | Stored | Expected |" + NL
                + "+------------+---------------+--------+----------+" + NL
                + "| 2025-11-02 | total_revenue | 100.00 | 90.00    |" + NL
                + "+------------+---------------+--------+----------+" + NL);
        assertThat(err.toString()).isEqualTo("error: 1 KPI difference(s) from 2025-11-01 to 2025-11-02; rebuild with:"
                + " analytics backfill --force --from 2025-11-01 --to 2025-11-02" + NL);
    }

    @Test
    void aNonJsonErrorNamesTheStatus() {
        api.onText("GET /api/v1/orders", "text/html", "<html>oops</html>");
        api.on("GET /api/v1/orders", 502, "<html>bad gateway</html>");

        assertThat(run("orders", "list")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: The OrderKPI server at " + api.uri()
                + " answered HTTP 502 for /api/v1/orders" + NL);
    }

    @Test
    void anInvalidServerUrlIsOneLine() {
        Map<String, String> env = Map.of("ORDERKPI_URL", "localhost:8088");
        int status = new OrderKpiCli(env, dir, new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("queue", "status");

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: Not a server URL: 'localhost:8088' (expected http://host:port)" + NL);
    }

    @Test
    void everyNewCommandHasHelp() {
        for (String[] command : new String[][] {{"orders", "import"}, {"orders", "process"}, {"orders", "list"},
            {"orders", "stuck"}, {"orders", "recover"}, {"refunds", "process"}, {"refunds", "list"},
            {"notifications", "list"}, {"queue", "status"}, {"queue", "failed"}, {"queue", "retry"},
            {"queue", "forget"}, {"queue", "pause"}, {"queue", "continue"}, {"queue", "clear"}, {"refunds"},
            {"notifications"}, {"queue"}}) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            assertThat(run(args)).as(String.join(" ", args)).isZero();
        }
        assertThat(out.toString()).contains("--server", "--token", "--all-pending", "--dry-run", "--refund-id");
    }
}
