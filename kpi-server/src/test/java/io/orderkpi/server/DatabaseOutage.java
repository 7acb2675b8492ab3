package io.orderkpi.server;

import static io.orderkpi.server.RecordsOracle.FINAL;
import static io.orderkpi.server.RecordsOracle.STARTED;
import static io.orderkpi.server.RecordsOracle.count;
import static io.orderkpi.server.RecordsOracle.countWhere;
import static io.orderkpi.server.RecordsOracle.in;
import static io.orderkpi.server.RecordsOracle.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.server.http.Json;
import io.orderkpi.testkit.TcpProxy;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * RELIABILITY R5 as one scenario, for any way of taking the database away: a server in this JVM
 * with its records (and so its jobs and leases) on MySQL processes imported orders; the database
 * goes away for {@link #OUTAGE} while the workflow runs, then comes back. During the outage
 * {@code /ready} is 503 naming the database, an import, a refund and a read of the orders are 503
 * with the JSON error naming the store, while the KPIs (in memory) still answer. After it the
 * server recovers by itself: every order final exactly once, none cancelled or failed or
 * dead-lettered because of the outage (the simulated gateways never decline here, so a cancelled
 * order could only come from the outage), the refused writes left nothing behind, the KPIs equal a
 * recomputation, and the server's threads and database sessions are back to what they were.
 */
final class DatabaseOutage {

    /** How long the database stays away, at least (the requests made during it may stretch it). */
    static final Duration OUTAGE = Duration.ofSeconds(10);

    /** Enough orders that the workflow is far from done when the database goes (asserted). */
    private static final int ORDERS = 500;

    /** Threads the server may hold beyond its count before the outage: pools grow and shrink. */
    private static final int THREAD_MARGIN = 5;

    /** The pool's size (MySqlDataSources): never more sessions than this. */
    private static final int POOL_SIZE = 16;

    private static final Pattern JDBC_URL = Pattern.compile("jdbc:mysql://([^/?]+)/([^?]*)(\\?.*)?");

    /** Takes the database away and brings it back; the scenario calls each once. */
    interface Fault {
        void begin() throws Exception;

        void end() throws Exception;
    }

    /** What the scenario measured, for the test's report. */
    record Timings(Duration outage, Duration untilReady, Duration untilAllFinal, long unfinishedAtFault) {
    }

    private final Path dir;
    private final String serverUrl;
    private final String oracleUrl;
    private final Instant now = Instant.now();

    /**
     * @param serverUrl the JDBC URL the server uses (through the fault)
     * @param oracleUrl the same database reached directly, for the test's reads (it must be the
     *                  same server as {@code serverUrl} once the fault has ended)
     */
    DatabaseOutage(Path dir, String serverUrl, String oracleUrl) {
        this.dir = dir;
        this.serverUrl = serverUrl;
        this.oracleUrl = oracleUrl;
    }

    /** {@code url} with its {@code host:port} replaced, e.g. to go through a {@link TcpProxy}. */
    static String throughPort(String url, int port) {
        Matcher matcher = JDBC_URL.matcher(url);
        assertThat(matcher.matches()).as(url).isTrue();
        return "jdbc:mysql://127.0.0.1:" + port + "/" + matcher.group(2)
                + (matcher.group(3) == null ? "" : matcher.group(3));
    }

    /** {@code host:port/database} of a JDBC URL: what /ready must name. */
    static String address(String url) {
        Matcher matcher = JDBC_URL.matcher(url);
        assertThat(matcher.matches()).as(url).isTrue();
        return matcher.group(1) + "/" + matcher.group(2);
    }

    private Map<String, String> env() {
        return Map.of(ServerConfig.MYSQL_URL, serverUrl,
                // More than one worker per queue: the orders finish sooner once the database is back.
                ServerConfig.WORKERS, "8",
                // Short, so that a job whose outcome could not be stored runs again soon after.
                ServerConfig.CLAIM_IDLE_SECONDS, "5",
                ServerConfig.STOCK_FAILURE_RATE, "0",
                ServerConfig.PAYMENT_FAILURE_RATE, "0",
                ServerConfig.REFUND_FAILURE_RATE, "0");
    }

    Timings run(Fault fault) throws Exception {
        try (OrderKpiServer server = TestServers.start(dir, env())) {
            JsonNode ready = Json.MAPPER.readTree(TestServers.get(server, "/ready").body());
            assertThat(ready.get("checks").get("mysql").asText()).as(ready.toString()).isEqualTo("ok");

            Path csv = dir.resolve("orders.csv");
            SampleOrders.write(csv, SampleOrders.Options.builder().count(ORDERS).seed(21).days(3).now(now).build());
            String importId = server.kpi().importFile(csv, ImportOptions.named("orders.csv"), true).run().importId();
            server.kpi().importer().awaitFinished(importId, Duration.ofMinutes(2));
            await("orders being processed").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> count(oracleUrl, "SELECT COUNT(*) FROM outbox_events WHERE type = 'OrderCompleted'"
                            + " AND EXISTS (SELECT 1 FROM outbox_events s WHERE s.order_id = outbox_events.order_id"
                            + " AND s.type = 'OrderProcessStarted')"), done -> done >= 50);
            String completedOrder = rows(oracleUrl, "SELECT id FROM orders WHERE status = 'completed' LIMIT 1").get(0);
            Map<String, Long> threadsBefore = serverThreads();

            // Read just before: the oracle may reach the database only through the server it takes away.
            long unfinishedAtFault = countWhere(oracleUrl, "status NOT IN " + in(FINAL));
            assertThat(unfinishedAtFault).as("orders still to do when the database went away").isGreaterThan(100);
            fault.begin();
            long faultAt = System.nanoTime();

            duringTheOutage(server, completedOrder);
            // Held for the whole outage, probed all along: /ready stays 503 while the database is away
            // (each probe waits out the pool's connection timeout, so this is no busy loop).
            while (System.nanoTime() - faultAt < OUTAGE.toNanos()) {
                assertThat(TestServers.get(server, "/ready").statusCode()).as("/ready during the outage").isEqualTo(503);
            }
            fault.end();
            long restoredAt = System.nanoTime();
            Duration outage = Duration.ofNanos(restoredAt - faultAt);

            await("ready again without a restart").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .until(() -> TestServers.get(server, "/ready").statusCode() == 200);
            Duration untilReady = Duration.ofNanos(System.nanoTime() - restoredAt);
            await("every order final").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(countWhere(oracleUrl, "status NOT IN " + in(FINAL)))
                            .as(() -> diagnosis(server)).isZero());
            Duration untilAllFinal = Duration.ofNanos(System.nanoTime() - restoredAt);

            assertNothingLostOrDoubled(server, completedOrder);
            assertNoLeaks(server, threadsBefore);
            return new Timings(outage, untilReady, untilAllFinal, unfinishedAtFault);
        }
    }

    /** The answers while the database is away; the requests that need it go at once, in parallel. */
    private void duringTheOutage(OrderKpiServer server, String completedOrder) throws Exception {
        StringWriter small = new StringWriter();
        SampleOrders.write(small, SampleOrders.Options.builder().count(5).seed(99).days(1).now(now).build());
        HttpRequest importing = HttpRequest.newBuilder(TestServers.uri(server, "/api/v1/imports?process=true"))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(small.toString()))
                .timeout(Duration.ofSeconds(30)).build();
        HttpRequest refunding = HttpRequest.newBuilder(TestServers.uri(server, "/api/v1/orders/" + completedOrder
                + "/refunds")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"full\",\"reason\":\"during the outage\"}"))
                .timeout(Duration.ofSeconds(30)).build();
        HttpRequest listing = HttpRequest.newBuilder(TestServers.uri(server, "/api/v1/orders?limit=5")).GET()
                .timeout(Duration.ofSeconds(30)).build();
        HttpRequest readiness = HttpRequest.newBuilder(TestServers.uri(server, "/ready")).GET()
                .timeout(Duration.ofSeconds(30)).build();
        // A request that hangs instead of answering fails here with the client's timeout.
        List<CompletableFuture<HttpResponse<String>>> answers = List.of(importing, refunding, listing, readiness)
                .stream().map(request -> TestServers.CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .toList();
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> answer = answers.get(i).join();
            assertThat(answer.statusCode()).as(answer.request().uri() + ": " + answer.body()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(answer.body()).isEqualTo(
                    "{\"success\":false,\"error\":\"The MySQL record store is unavailable; try again later\"}");
        }
        HttpResponse<String> ready = answers.get(3).join();
        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode readyJson = Json.MAPPER.readTree(ready.body());
        assertThat(readyJson.get("status").asText()).isEqualTo("not_ready");
        String expected = "MySQL " + address(serverUrl) + " unreachable: ";
        assertThat(readyJson.get("checks").get("mysql").asText()).as(ready.body()).startsWith(expected)
                .contains("Connection refused").doesNotContain("user=").doesNotContain("password");
        assertThat(readyJson.get("checks").get("relay").asText()).isEqualTo("ok");

        // What does not need the database still answers: the KPIs live in memory.
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        assertThat(TestServers.get(server, "/api/v1/analytics/daily/" + today).statusCode()).isEqualTo(200);
        assertThat(TestServers.get(server, "/health").statusCode()).isEqualTo(200);
    }

    private void assertNothingLostOrDoubled(OrderKpiServer server, String completedOrder) throws Exception {
        assertThat(count(oracleUrl, "SELECT COUNT(*) FROM failed_jobs")).as("failed jobs").isZero();
        assertThat(count(oracleUrl, "SELECT COUNT(*) FROM outbox_dead_letters")).as("dead letters").isZero();
        assertThat(rows(oracleUrl, "SELECT e.order_id FROM outbox_events e WHERE e.type = 'OrderFailed' AND "
                + STARTED)).as("orders the workflow cancelled (no gateway declines here)").isEmpty();
        // The writes refused with 503 left nothing behind.
        assertThat(count(oracleUrl, "SELECT COUNT(*) FROM imports")).as("imports").isEqualTo(1);
        assertThat(count(oracleUrl, "SELECT COUNT(*) FROM refunds")).as("refunds").isZero();
        assertThat(rows(oracleUrl, "SELECT status FROM orders WHERE id = " + completedOrder))
                .containsExactly("completed");
        assertThat(countWhere(oracleUrl, "1 = 1")).isEqualTo(ORDERS);
        RecordsOracle.assertEachOrderDoneOnce(oracleUrl, ORDERS);

        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        String verify = "/api/v1/analytics/verify?start_date=" + today.minusDays(4) + "&end_date=" + today;
        await("KPIs equal to a recomputation").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    HttpResponse<String> response = TestServers.get(server, verify);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    assertThat(Json.MAPPER.readTree(response.body()).get("data").get("differences")).isEmpty();
                });
    }

    /**
     * The server's threads come back to their count before the outage (within a margin for pools
     * that grow and shrink), and its pool holds no connection it lost track of: none active once
     * idle, never more than the pool's size, and exactly as many sessions on the database as the
     * pool has connections (a session left behind by a cut connection would show here).
     */
    private void assertNoLeaks(OrderKpiServer server, Map<String, Long> threadsBefore) {
        long before = total(threadsBefore);
        await("threads back to their count before the outage").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    Map<String, Long> after = serverThreads();
                    assertThat(total(after)).as("threads before %s, after %s", threadsBefore, after)
                            .isLessThanOrEqualTo(before + THREAD_MARGIN);
                });
        String database = JDBC_URL.matcher(oracleUrl).replaceFirst("$2");
        await("the pool idle with one session per connection").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    Map<String, Double> pool = poolMeters(server);
                    assertThat(pool.get("active")).as("active connections %s", pool).isZero();
                    assertThat(pool.get("total")).as("connections %s", pool).isPositive()
                            .isLessThanOrEqualTo(POOL_SIZE);
                    long sessions = count(oracleUrl, "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                            + " WHERE DB = '" + database + "' AND ID <> CONNECTION_ID()");
                    assertThat((double) sessions).as("sessions on the database, pool %s", pool)
                            .isEqualTo(pool.get("total"));
                });
    }

    /** The pool's meters on /metrics: total, active, idle, pending connections. */
    private static Map<String, Double> poolMeters(OrderKpiServer server) {
        String metrics = TestServers.get(server, "/metrics").body();
        Map<String, Double> pool = new TreeMap<>();
        Matcher matcher = Pattern.compile("(?m)^hikaricp_connections(_active|_idle|_pending)?\\{[^}]*\\} (\\S+)$")
                .matcher(metrics);
        while (matcher.find()) {
            String name = matcher.group(1) == null ? "total" : matcher.group(1).substring(1);
            pool.put(name, Double.parseDouble(matcher.group(2)));
        }
        assertThat(pool).as("the pool's meters on /metrics").containsKeys("total", "active", "idle", "pending");
        return pool;
    }

    /**
     * The JVM's live threads by kind (digits masked), without the test's own: its HTTP client,
     * the proxy and Awaitility's.
     */
    private static Map<String, Long> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> !name.startsWith("HttpClient") && !name.startsWith(TcpProxy.THREAD_PREFIX)
                        && !name.startsWith("awaitility"))
                .collect(Collectors.groupingBy(name -> name.replaceAll("\\d+", "#"), TreeMap::new,
                        Collectors.counting()));
    }

    private static long total(Map<String, Long> threads) {
        return threads.values().stream().mapToLong(Long::longValue).sum();
    }

    private String diagnosis(OrderKpiServer server) {
        try {
            return "unfinished orders by status: " + rows(oracleUrl, "SELECT status, COUNT(*) FROM orders WHERE status"
                    + " NOT IN " + in(FINAL) + " GROUP BY status") + "\njobs: " + rows(oracleUrl,
                    "SELECT queue, COUNT(*) FROM jobs GROUP BY queue") + "\nqueues: "
                    + TestServers.get(server, "/api/v1/queues").body();
        } catch (SQLException | UncheckedIOException e) {
            return "no diagnosis: " + e;
        }
    }
}
