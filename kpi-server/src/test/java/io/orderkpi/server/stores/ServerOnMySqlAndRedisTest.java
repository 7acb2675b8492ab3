package io.orderkpi.server.stores;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.ServerConfig;
import io.orderkpi.server.TestServers;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestTags;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on a real MySQL and a real Redis, as configured by its keys: records, jobs and
 * leases where SPEC §8 puts them, the same numbers as in memory, and the same numbers again after
 * a restart, because nothing lived in the process.
 */
@Tag(TestTags.LOCATED_SERVER)
class ServerOnMySqlAndRedisTest {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.shared();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final Instant now = Instant.now();
    private final LocalDate yesterday = now.atZone(ZoneOffset.UTC).toLocalDate().minusDays(1);

    private Map<String, String> env(boolean redis) {
        Map<String, String> env = new HashMap<>();
        env.put(ServerConfig.MYSQL_URL, MYSQL.newDatabase());
        if (redis) {
            env.put(ServerConfig.REDIS_URL, REDIS.redis().uri());
            env.put(ServerConfig.REDIS_PREFIX, REDIS.redis().newKeyPrefix());
        }
        env.put(ServerConfig.CLAIM_IDLE_SECONDS, "5");
        return env;
    }

    private static JsonNode data(OrderKpiServer server, String path) throws Exception {
        HttpResponse<String> response = TestServers.get(server, path);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("data");
    }

    /** Imports 400 generated orders of the last 3 days through the workflow and waits for it all. */
    private void importAndProcess(OrderKpiServer server) {
        Path csv = dir.resolve("orders.csv");
        SampleOrders.write(csv, SampleOrders.Options.builder().count(400).seed(5).days(3).now(now).build());
        String id = server.kpi().importFile(csv, ImportOptions.named("orders.csv"), true).run().importId();
        server.kpi().importer().awaitFinished(id, Duration.ofMinutes(2));
        assertThat(TestServers.awaitIdle(server.kpi())).isTrue();
    }

    @Test
    void onMySqlAndRedisTheNumbersAreExactAndSurviveARestart() throws Exception {
        Map<String, String> env = env(true);
        JsonNode before;
        long orders;
        try (OrderKpiServer first = TestServers.start(dir, env)) {
            JsonNode ready = JSON.readTree(TestServers.get(first, "/ready").body());
            assertThat(ready.get("status").asText()).as(ready.toString()).isEqualTo("ready");
            // The store checks say where the stores live.
            assertThat(ready.get("checks").fieldNames()).toIterable()
                    .containsExactly("mysql", "redis", "relay", "workers");
            importAndProcess(first);

            before = data(first, "/api/v1/analytics/daily/" + yesterday).get("kpis");
            assertThat(before.get("order_count").asLong()).isPositive();
            assertThat(data(first, "/api/v1/analytics/verify?start_date=" + yesterday.minusDays(3) + "&end_date="
                    + yesterday.plusDays(1)).get("differences")).isEmpty();
            orders = data(first, "/api/v1/orders?limit=500").get("orders").size();
            assertThat(orders).isEqualTo(400);
            assertThat(data(first, "/api/v1/queues").toString()).contains("order-processing");
        }

        try (OrderKpiServer second = TestServers.start(dir, env)) {
            assertThat(data(second, "/api/v1/analytics/daily/" + yesterday).get("kpis")).isEqualTo(before);
            assertThat(data(second, "/api/v1/orders?limit=500").get("orders").size()).isEqualTo(orders);
        }
    }

    @Test
    void withMySqlRecordsAndKpisInMemoryARestartRebuildsTheRetainedDaysFromTheRecords() throws Exception {
        Map<String, String> env = env(false);
        JsonNode before;
        try (OrderKpiServer first = TestServers.start(dir, env)) {
            importAndProcess(first);
            before = data(first, "/api/v1/analytics/daily/" + yesterday).get("kpis");
            assertThat(before.get("order_count").asLong()).isPositive();
        }

        try (OrderKpiServer second = TestServers.start(dir, env)) {
            assertThat(data(second, "/api/v1/analytics/daily/" + yesterday).get("kpis")).isEqualTo(before);
        }
    }
}
