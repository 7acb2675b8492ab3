package io.orderkpi.server.http;

import static io.orderkpi.server.TestServers.API_TOKEN;
import static io.orderkpi.server.TestServers.READ_TOKEN;
import static io.orderkpi.server.TestServers.get;
import static io.orderkpi.server.TestServers.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP infrastructure over real sockets: routing, errors, auth, limits, the watchdog, ids, probes. */
class ApiServerTest {

    @TempDir
    static Path dir;

    static OrderKpiServer open;
    static OrderKpiServer guarded;

    @BeforeAll
    static void start() {
        open = TestServers.start(dir, Map.of("ORDERKPI_HTTP_IDLE_SECONDS", "1", "ORDERKPI_MAX_BODY_BYTES", "1024"));
        guarded = TestServers.start(dir, Map.of("ORDERKPI_API_TOKEN", API_TOKEN, "ORDERKPI_READ_TOKEN", READ_TOKEN));
    }

    @AfterAll
    static void stop() {
        open.close();
        guarded.close();
    }

    @Test
    void anUnknownPathIsAJson404() {
        HttpResponse<String> response = get(open, "/api/v1/nothing-here");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"success\":false,\"error\":\"Not found\"}");
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Response.JSON);
    }

    @Test
    void aWrongMethodIsA405WithAllow() {
        HttpResponse<String> response = post(open, "/api/v1/analytics/daily/2025-01-01", "{}");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(response.body()).startsWith("{\"success\":false,\"error\":\"Method POST not allowed");
    }

    @Test
    void everyResponseCarriesARequestIdEchoedWhenSane() {
        HttpResponse<String> echoed = get(open, "/health", "X-Request-Id", "abc-123");
        HttpResponse<String> generated = get(open, "/health");
        HttpResponse<String> insane = get(open, "/nothing", "X-Request-Id", "bad id with spaces");

        assertThat(echoed.headers().firstValue("X-Request-Id")).hasValue("abc-123");
        assertThat(generated.headers().firstValue("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
        assertThat(insane.headers().firstValue("X-Request-Id")).hasValueSatisfying(
                id -> assertThat(id).isNotEqualTo("bad id with spaces").hasSize(36));
    }

    @Test
    void healthAndReadyAnswerTheirShapes() {
        assertThat(get(open, "/health").body()).isEqualTo("{\"status\":\"ok\"}");

        HttpResponse<String> ready = get(open, "/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo(
                "{\"status\":\"ready\",\"checks\":{\"records\":\"ok\",\"kpis\":\"ok\",\"relay\":\"ok\",\"workers\":\"ok\"}}");
    }

    @Test
    void metricsArePrometheusTextWithOurJvmAndHttpMeters() {
        get(open, "/health");

        HttpResponse<String> metrics = get(open, "/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(metrics.body()).contains("orderkpi_queue_jobs{", "orderkpi_kpi_facts_total{",
                "orderkpi_outbox_lag_seconds{", "orderkpi_outbox_dead_letters{", "orderkpi_import_rows_total{", "jvm_memory_used_bytes",
                "jvm_threads_live_threads", "process_uptime_seconds", "system_cpu_count",
                "http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/health\"}");
    }

    @Test
    void aDeclaredBodyOverTheLimitIsA413BeforeItIsRead() throws IOException {
        try (Socket socket = new Socket(open.uri().getHost(), open.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/analytics/backfill HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);

            assertThat(head).isEqualTo("HTTP/1.1 413");
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413WhileRead() {
        String big = "{\"from\":\"" + "x".repeat(4000) + "\"}";
        HttpResponse<String> response = TestServers.send(open, HttpRequest.newBuilder(
                open.uri().resolve("/api/v1/analytics/backfill")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).isEqualTo("{\"success\":false,\"error\":\"Request body too large (limit 1024 bytes)\"}");
    }

    @Test
    void aBodyThatIsNotJsonIsA415OrA400() {
        HttpResponse<String> text = TestServers.send(open, HttpRequest.newBuilder(
                open.uri().resolve("/api/v1/analytics/backfill")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")));
        HttpResponse<String> broken = post(open, "/api/v1/analytics/backfill", "{\"from\":");
        HttpResponse<String> unknown = post(open, "/api/v1/analytics/backfill", "{\"from\":\"2025-01-01\",\"x\":1}");

        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).startsWith("{\"success\":false,\"error\":\"Invalid JSON body");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("Unknown field 'x'");
    }

    @Test
    void aClientThatStopsSendingIsCutOffWhileOthersAreServed() throws IOException {
        try (Socket slow = new Socket(open.uri().getHost(), open.port())) {
            slow.setSoTimeout(15_000);
            OutputStream out = slow.getOutputStream();
            out.write(("POST /api/v1/analytics/backfill HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"from\"").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            assertThat(get(open, "/health").statusCode()).isEqualTo(200);

            long start = System.nanoTime();
            InputStream in = slow.getInputStream();
            String answer;
            try {
                answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (SocketException reset) {
                answer = "";
            }
            assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .contains("Connection: close").endsWith("\"success\":false,\"error\":\"Request timeout: the client"
                            + " sent nothing for 1000 ms\"}");
            assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
        }
    }

    @Test
    void withATokenEveryEndpointButHealthNeedsIt() {
        assertThat(get(guarded, "/health").statusCode()).isEqualTo(200);

        HttpResponse<String> missing = get(guarded, "/api/v1/analytics/daily/2025-01-01");
        HttpResponse<String> wrong = get(guarded, "/ready", "Authorization", "Bearer " + API_TOKEN + "x");
        HttpResponse<String> inQuery = get(guarded, "/metrics?token=" + API_TOKEN);

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(missing.body()).startsWith("{\"success\":false,\"error\":\"Authentication required");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(inQuery.statusCode()).isEqualTo(401);
        assertThat(get(guarded, "/ready", "Authorization", "Bearer " + API_TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void theReadTokenOpensGetsOnly() {
        String[] read = {"Authorization", "Bearer " + READ_TOKEN};

        assertThat(get(guarded, "/api/v1/analytics/daily/2025-01-01", read).statusCode()).isEqualTo(200);
        HttpResponse<String> change = post(guarded, "/api/v1/analytics/backfill", "{\"from\":\"2025-01-01\"}", read);
        assertThat(change.statusCode()).isEqualTo(403);
        assertThat(change.body()).isEqualTo("{\"success\":false,\"error\":\"The read token cannot change state\"}");
        assertThat(post(guarded, "/api/v1/analytics/backfill", "{\"from\":\"2025-01-01\",\"to\":\"2025-01-02\"}",
                "Authorization", "Bearer " + API_TOKEN).statusCode()).isEqualTo(202);
    }

    @Test
    void publicAnalyticsOpensTheAnalyticsReadsOnly() {
        try (OrderKpiServer server = TestServers.start(dir, Map.of("ORDERKPI_API_TOKEN", API_TOKEN,
                "ORDERKPI_PUBLIC_ANALYTICS", "true"))) {
            assertThat(get(server, "/api/v1/analytics/daily/2025-01-01").statusCode()).isEqualTo(200);
            assertThat(get(server, "/api/v1/analytics/kpis?start_date=2025-01-01&end_date=2025-01-02").statusCode())
                    .isEqualTo(200);
            assertThat(post(server, "/api/v1/analytics/backfill", "{\"from\":\"2025-01-01\"}").statusCode())
                    .isEqualTo(401);
            assertThat(get(server, "/metrics").statusCode()).isEqualTo(401);
        }
    }
}
