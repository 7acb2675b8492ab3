package io.orderkpi.server.stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.core.analytics.Analytics;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.RecordsOracle;
import io.orderkpi.server.ServerConfig;
import io.orderkpi.server.TestServers;
import io.orderkpi.server.http.Json;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestTags;
import io.orderkpi.testkit.TcpProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis taken away from a running server (issue 10 "Wiring", issue 14, RELIABILITY R4): records
 * on a real MySQL, KPIs (and in one test the jobs) on a Redis this class owns, reached through a
 * {@link TcpProxy} that first hangs (every byte held: only the client's timeouts end a wait), then
 * cuts every connection (Redis down). Meanwhile reads that need Redis answer 503 with a JSON error
 * in bounded time, {@code /ready} is 503 naming Redis, the analytics relay stalls without dead
 * letters, and writes that need only MySQL go on. Then Redis comes back and the same server
 * recovers: the relay catches up, {@code verify} finds no difference, and the records show every
 * order done once. A last test restarts Redis empty (no persistence) and the server rebuilds.
 */
@Tag(TestTags.LOCATED_SERVER)
class RedisOutageServerTest {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.owned();

    private static final int ORDERS = 600;

    /**
     * How long a request may take while Redis hangs: a read makes at most two round trips, each
     * bounded by the 2 s command timeout, plus room for a busy machine; a third of the 30 s a
     * client may stay silent. Without the timeout the request would wait as long as the hang.
     */
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(10);

    /** How long Redis stays down after the hang. */
    private static final Duration DOWN = Duration.ofSeconds(8);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private final Instant now = Instant.now();
    private final LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
    private final String daily = "/api/v1/analytics/daily/" + today;
    private final String verify = "/api/v1/analytics/verify?start_date=" + today.minusDays(4) + "&end_date=" + today;
    private TcpProxy proxy;

    @BeforeEach
    void startProxy() {
        proxy = TcpProxy.start(REDIS.redis().host(), REDIS.redis().port());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    private Map<String, String> env(String database, String queue) {
        Map<String, String> env = new HashMap<>();
        env.put(ServerConfig.MYSQL_URL, database);
        env.put(ServerConfig.REDIS_URL, "redis://127.0.0.1:" + proxy.port());
        env.put(ServerConfig.REDIS_PREFIX, REDIS.redis().newKeyPrefix());
        env.put(ServerConfig.QUEUE, queue);
        env.put(ServerConfig.CLAIM_IDLE_SECONDS, "5");
        return env;
    }

    @Test
    void withJobsOnMySqlAnOutageStallsOnlyTheKpisAndTheServerRecoversWithoutARestart() throws Exception {
        String database = MYSQL.newDatabase();
        try (OrderKpiServer server = TestServers.start(dir, env(database, "mysql"))) {
            String importId = importAndProcess(server);

            // The order processed during the outage makes events the stalled relay must hold.
            hangThenCut(server, true, () -> {
                // The workflow needs only MySQL: an order created and processed now ends while Redis is down.
                long id = createOrder(server, "DURING-OUTAGE");
                assertThat(post(server, "/api/v1/orders/" + id + "/process").statusCode()).isEqualTo(202);
                await("an order processed while Redis is down").atMost(Duration.ofSeconds(60))
                        .until(() -> RecordsOracle.countWhere(database, "id = " + id + " AND status IN "
                                + RecordsOracle.in(RecordsOracle.FINAL)), finished -> finished == 1);
            });

            assertRecovered(server, database, importId);
        }
    }

    @Test
    void withJobsOnRedisProcessingWaitsForItAndEveryOrderIsDoneOnceAfterIt() throws Exception {
        String database = MYSQL.newDatabase();
        try (OrderKpiServer server = TestServers.start(dir, env(database, "redis"))) {
            String importId = importAndProcess(server);
            long[] created = new long[1];

            // Nothing makes events while the jobs are out of reach: the import may be done and
            // delivered before the cut, so none may be waiting; none may be applied either.
            hangThenCut(server, false, () -> {
                // Storing an order needs only MySQL; queueing its processing needs the job store.
                created[0] = createOrder(server, "DURING-OUTAGE");
                assertUnavailable(post(server, "/api/v1/orders/" + created[0] + "/process"));
            });

            await("the job store back").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> post(server, "/api/v1/orders/" + created[0] + "/process").statusCode() == 202);
            assertRecovered(server, database, importId);
        }
    }

    /**
     * Issue 14 at the server: Redis restarted without persistence mid-run. The server notices the
     * lost data set (its watch runs every 5 s), rebuilds the retained days from MySQL and replays
     * what arrived meanwhile: no fact lost or doubled. {@code RedisDataLossRecoveryTest} covers the
     * rebuild itself; this shows the server's wiring runs it.
     */
    @Test
    void aRedisRestartedEmptyMidRunIsRebuiltByTheRunningServer() throws Exception {
        String database = MYSQL.newDatabase();
        try (OrderKpiServer server = TestServers.start(dir, env(database, "mysql"))) {
            String importId = importAndProcess(server);
            long appliedBefore = server.kpi().analytics().appliedFacts();

            REDIS.redis().restart();
            assertThat(REDIS.redis().keys()).isEmpty();

            assertRecovered(server, database, importId);
            assertThat(server.kpi().analytics().appliedFacts()).isGreaterThan(appliedBefore);
            assertThat(server.kpi().kpis().dataLoss()).isEmpty();
        }
    }

    /** Starts an import of {@link #ORDERS} orders with processing and returns once KPI facts flow. */
    private String importAndProcess(OrderKpiServer server) {
        assertThat(get(server, "/ready").statusCode()).isEqualTo(200);
        Path csv = dir.resolve("orders.csv");
        SampleOrders.write(csv, SampleOrders.Options.builder().count(ORDERS).seed(5).days(3).now(now).build());
        String importId = server.kpi().importFile(csv, ImportOptions.named("orders.csv"), true).run().importId();
        await("KPI facts applied").atMost(Duration.ofMinutes(1))
                .until(() -> server.kpi().analytics().appliedFacts() >= 100);
        return importId;
    }

    /**
     * Redis hangs, then is down for {@link #DOWN}; {@code whileDown} runs before it comes back.
     * Throughout: reads that need Redis answer 503, {@code /ready} is 503 naming Redis, the
     * relay applies nothing and dead-letters nothing.
     */
    private void hangThenCut(OrderKpiServer server, boolean eventsMadeWhileDown, ThrowingRunnable whileDown)
            throws Exception {
        proxy.freeze();
        assertUnavailable(get(server, daily));
        assertUnavailable(get(server, "/api/v1/analytics/leaderboard/" + today));

        proxy.cut();
        assertUnavailable(get(server, daily));
        long appliedAtCut = server.kpi().analytics().appliedFacts();
        await("Redis down").during(DOWN).atMost(DOWN.multipliedBy(3)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    assertUnavailable(get(server, daily));
                    assertUnavailable(get(server, "/api/v1/analytics/leaderboard/" + today + "?limit=5"));
                    HttpResponse<String> ready = get(server, "/ready");
                    assertThat(ready.statusCode()).isEqualTo(503);
                    assertThat(json(ready).get("checks").toString()).contains("Redis");
                    assertThat(server.kpi().analytics().appliedFacts()).isEqualTo(appliedAtCut);
                    assertThat(deadLetters(server)).isZero();
                });
        whileDown.run();
        // Not "pending >= pendingAtCut": an event that carries no KPI fact is delivered without Redis.
        // Nothing was applied (above), nothing is lost (verify after the recovery).
        if (eventsMadeWhileDown) {
            assertThat(pendingFacts(server)).as("events made during the outage wait for analytics").isPositive();
        }
        proxy.restore();
    }

    /** The same server, never restarted: ready again, the import and the relay done, the KPIs exact. */
    private void assertRecovered(OrderKpiServer server, String database, String importId) throws Exception {
        await("ready again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> get(server, "/ready").statusCode() == 200);
        ImportRun run = server.kpi().importer().awaitFinished(importId, Duration.ofMinutes(3));
        assertThat(run.state()).isEqualTo(ImportState.COMPLETED);
        assertThat(TestServers.awaitIdle(server.kpi())).isTrue();
        await("KPIs equal to a recomputation").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    HttpResponse<String> answer = get(server, verify);
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    assertThat(json(answer).get("data").get("differences")).isEmpty();
                });
        assertThat(deadLetters(server)).isZero();
        long orders = RecordsOracle.countWhere(database, "1 = 1");
        assertThat(RecordsOracle.countWhere(database, "status NOT IN " + RecordsOracle.in(RecordsOracle.FINAL)))
                .as("unfinished orders").isZero();
        RecordsOracle.assertEachOrderDoneOnce(database, orders);
    }

    private static long pendingFacts(OrderKpiServer server) {
        return server.kpi().records().outbox().pending(Analytics.SUBSCRIBER, 1_000).size();
    }

    private static long deadLetters(OrderKpiServer server) {
        return server.kpi().relay().subscriberNames().stream()
                .mapToLong(subscriber -> server.kpi().relay().deadLetterCount(subscriber)).sum();
    }

    private static long createOrder(OrderKpiServer server, String number) throws IOException {
        HttpResponse<String> created = post(server, "/api/v1/orders", """
                {"order_number":"%s","customer_id":"CUST-OUTAGE","customer_name":"Outage","customer_email":"o@example.com",
                 "total_amount":12.50,"currency":"USD",
                 "items":[{"product_id":"P-1","product_name":"Mug","sku":"S-1","quantity":1,"unit_price":"12.50"}]}
                """.formatted(number));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).get("data").get("id").asLong();
    }

    private static void assertUnavailable(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        JsonNode body = json(response);
        assertThat(body.get("success").asBoolean()).isFalse();
        assertThat(body.get("error").toString()).containsIgnoringCase("unavailable");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.MAPPER.readTree(response.body());
    }

    /** A GET answered within {@link #ANSWER_BOUND}, else the test fails with the client's timeout. */
    private static HttpResponse<String> get(OrderKpiServer server, String path) {
        return send(HttpRequest.newBuilder(server.uri().resolve(path)).GET());
    }

    private static HttpResponse<String> post(OrderKpiServer server, String path) {
        return send(HttpRequest.newBuilder(server.uri().resolve(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static HttpResponse<String> post(OrderKpiServer server, String path, String json) {
        return send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(ANSWER_BOUND).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
