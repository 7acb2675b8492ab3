package io.orderkpi.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.TestServers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients (SPEC §9 limits, RELIABILITY R10/R12): clients that trickle their headers or their
 * body hold only their own connection, heads and bodies have deadlines, and a request refused
 * before its body is answered at once and its connection closed without waiting for the body.
 */
class SlowClientsTest {

    private static final String ORDER_HEAD = "POST /api/v1/orders HTTP/1.1\r\nHost: x\r\n"
            + "Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n";

    @TempDir
    Path dir;

    @Test
    void healthAnswersWhile200ClientsTrickleTheirHeadersAndBodies() throws Exception {
        List<Socket> slow = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (OrderKpiServer server = TestServers.start(dir, Map.of())) {
            for (int i = 0; i < 200; i++) {
                Socket socket = new Socket(server.uri().getHost(), server.port());
                // Half trickle their head, half announce a body and trickle it.
                String start = i % 2 == 0 ? "POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nX-Slow: " : ORDER_HEAD + "{";
                socket.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            trickle.scheduleAtFixedRate(() -> slow.forEach(SlowClientsTest::oneByte), 0, 500, TimeUnit.MILLISECONDS);
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            // Warm the client up (class loading) before anything is measured.
            client.send(HttpRequest.newBuilder(server.uri().resolve("/health")).build(),
                    HttpResponse.BodyHandlers.discarding());
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                long begin = System.nanoTime();
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(server.uri().resolve("/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                micros.add((System.nanoTime() - begin) / 1_000);
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
            }
            // Every slow client is still connected and served nothing yet.
            assertThat(slow).allSatisfy(socket -> assertThat(socket.getInputStream().available()).isZero());
            micros.sort(null);
            System.out.printf("/health with 200 slow clients: p50 %d us, max %d us (50 requests)%n",
                    micros.get(25), micros.get(49));
        } finally {
            trickle.shutdownNow();
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void anUnauthenticatedTrickleGetsIts401AtOnceAndIsClosedWithoutReadingTheBody() throws Exception {
        try (OrderKpiServer server = TestServers.start(dir, Map.of("ORDERKPI_API_TOKEN", TestServers.API_TOKEN));
                Socket socket = new Socket(server.uri().getHost(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((ORDER_HEAD + "{").getBytes(StandardCharsets.US_ASCII));

            String answer = RawHttp.readToEnd(socket.getInputStream());

            assertThat(answer).startsWith("HTTP/1.1 401 Unauthorized\r\n").contains("Connection: close\r\n",
                    "WWW-Authenticate: Bearer\r\n", "X-Request-Id: ").endsWith("Authentication required: send"
                            + " Authorization: Bearer <token>\"}");
        }
    }

    @Test
    void aDeclaredTooLargeBodyAndAWrongContentTypeAreRefusedBeforeTheBody() throws Exception {
        try (OrderKpiServer server = TestServers.start(dir, Map.of("ORDERKPI_MAX_BODY_BYTES", "100"));
                Socket tooLarge = new Socket(server.uri().getHost(), server.port());
                Socket notJson = new Socket(server.uri().getHost(), server.port())) {
            tooLarge.setSoTimeout(10_000);
            notJson.setSoTimeout(10_000);
            tooLarge.getOutputStream().write(("POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    + "application/json\r\nContent-Length: 101\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            notJson.getOutputStream().write(("POST /api/v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 10\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));

            assertThat(RawHttp.readToEnd(tooLarge.getInputStream())).startsWith("HTTP/1.1 413 Content Too Large\r\n")
                    .contains("Connection: close\r\n").endsWith("Request body too large (limit 100 bytes)\"}");
            assertThat(RawHttp.readToEnd(notJson.getInputStream())).startsWith("HTTP/1.1 415 Unsupported Media Type\r\n")
                    .contains("Connection: close\r\n");
        }
    }

    @Test
    void oneConnectionMoreThanTheLimitIsAnswered503AndClosed() throws Exception {
        try (OrderKpiServer server = TestServers.start(dir, Map.of("ORDERKPI_HTTP_MAX_CONNECTIONS", "2"));
                Socket first = new Socket(server.uri().getHost(), server.port());
                Socket second = new Socket(server.uri().getHost(), server.port())) {
            // Both hold their connection's thread inside an unfinished head.
            first.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            second.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));

            String third = RawHttp.exchange(server, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(third).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("Retry-After: 1\r\n")
                    .endsWith("{\"success\":false,\"error\":\"Too many open connections; try again later\"}");
            second.close();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> RawHttp.exchange(server,
                    "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 200 OK"));
        }
    }

    @Test
    void aHeadThatIsNotCompleteInTimeIsA408() throws Exception {
        try (OrderKpiServer server = TestServers.start(dir, Map.of("ORDERKPI_HTTP_HEAD_SECONDS", "1"));
                Socket socket = new Socket(server.uri().getHost(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));

            // A byte every 200 ms: never idle, but the head never ends.
            String answer = RawHttp.trickleUntilAnswered(socket, 'X', 200, 50);

            assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .endsWith("Request timeout: the request head was not complete within 1000 ms\"}");
        }
    }

    @Test
    void aBodySlowerThanTheMinimumRateIsA408AfterItsGrace() throws Exception {
        try (OrderKpiServer server = TestServers.start(dir, Map.of("ORDERKPI_HTTP_MIN_BYTES_PER_SECOND", "100"));
                Socket socket = new Socket(server.uri().getHost(), server.port())) {
            socket.getOutputStream().write((ORDER_HEAD + "{").getBytes(StandardCharsets.US_ASCII));

            // One byte every 250 ms (4 bytes/s): never idle, far below 100 bytes/s.
            String answer = RawHttp.trickleUntilAnswered(socket, ' ', 250, 60);

            assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .endsWith("Request timeout: the request body arrived slower than 100 bytes/s\"}");
        }
    }

    private static void oneByte(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write('a');
            out.flush();
        } catch (IOException e) {
            // A client the server closed: nothing more to trickle.
        }
    }
}
