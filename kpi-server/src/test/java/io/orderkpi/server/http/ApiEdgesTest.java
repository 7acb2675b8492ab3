package io.orderkpi.server.http;

import static io.orderkpi.server.TestServers.API_TOKEN;
import static io.orderkpi.server.TestServers.READ_TOKEN;
import static io.orderkpi.server.TestServers.get;
import static io.orderkpi.server.TestServers.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.TestServers;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malformed requests, the token-first rule, HEAD, strict and clamped parameters, plain messages. */
class ApiEdgesTest {

    @TempDir
    static Path dir;

    static OrderKpiServer open;
    static OrderKpiServer guarded;

    @BeforeAll
    static void start() {
        open = TestServers.start(dir, Map.of());
        guarded = TestServers.start(dir, Map.of("ORDERKPI_API_TOKEN", API_TOKEN, "ORDERKPI_READ_TOKEN", READ_TOKEN));
    }

    @AfterAll
    static void stop() {
        open.close();
        guarded.close();
    }

    private static String raw(OrderKpiServer server, String request) throws IOException {
        return RawHttp.exchange(server, request);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET /api/v1/orders?customer_id=%ZZ HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|400 Bad Request|The customer_id parameter is not validly percent-encoded (a % must be followed by two hex digits)",
        "POST /api/v1/orders HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: abc\\r\\n\\r\\n|400 Bad Request|Malformed Content-Length 'abc': not a number of bytes",
        "POST /api/v1/orders HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n|400 Bad Request|Both Content-Length and Transfer-Encoding are set; send only one of them",
        "POST /api/v1/orders HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nContent-Length: 6\\r\\n\\r\\n{}|400 Bad Request|Content-Length is given twice with different values",
        "POST /api/v1/orders HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n|400 Bad Request|Unsupported Transfer-Encoding 'gzip'; only chunked is accepted",
        "GET /health HTTP/2.0\\r\\n\\r\\n|505 HTTP Version Not Supported|HTTP version not supported: HTTP/2.0; use HTTP/1.1",
        "GET health HTTP/1.1\\r\\n\\r\\n|400 Bad Request|Malformed request target: it must start with '/'",
        "GET /health\\r\\n\\r\\n|400 Bad Request|Malformed request line: expected METHOD /path HTTP/1.1",
        "GET /health HTTP/1.1\\r\\n folded: x\\r\\n\\r\\n|400 Bad Request|Malformed request header: folded header lines are not accepted",
        "GET /health HTTP/1.1\\r\\nBad Name: x\\r\\n\\r\\n|400 Bad Request|Malformed request header name 'Bad?Name'",
    })
    void aMalformedRequestGetsTheJsonEnvelopeWithARequestId(String request, String status, String error)
            throws IOException {
        String answer = raw(open, request.replace("\\r\\n", "\r\n"));

        assertThat(answer).startsWith("HTTP/1.1 " + status + "\r\n").contains("Content-Type: application/json",
                "X-Request-Id: ").endsWith("{\"success\":false,\"error\":\"" + error + "\"}");
    }

    @Test
    void charactersSomeParsersRejectInAQueryAreServed() throws IOException {
        String answer = raw(open, "GET /api/v1/orders?x=a|b{c}&limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("\"orders\":[]");
    }

    @Test
    void anOverlongRequestLineAndTooManyHeadersHaveTheirStatus() throws IOException {
        assertThat(raw(open, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 414 URI Too Long");
        assertThat(raw(open, "GET /health HTTP/1.1\r\n" + "X-A: b\r\n".repeat(101) + "\r\n"))
                .startsWith("HTTP/1.1 431 Request Header Fields Too Large");
    }

    @Test
    void keepAliveCarriesRequestAfterRequestAndAChunkedBody() throws IOException {
        String two = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /api/v1/analytics/backfill HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"fro\r\n19\r\nm\":\"2025-01-01\",\"to\":\"x\"}\r\n0\r\n\r\n"
                + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

        String answer = raw(open, two);

        assertThat(answer.split("HTTP/1.1 ", -1)).hasSize(4);
        assertThat(answer).contains("{\"status\":\"ok\"}HTTP/1.1 400 Bad Request").contains("Invalid date format")
                .endsWith("{\"status\":\"ok\"}");
    }

    @Test
    void withATokenUnknownRoutesAndWrongMethodsNeedItToo() {
        HttpResponse<String> unknown = get(guarded, "/api/v1/secret-route");
        HttpResponse<String> wrongMethod = post(guarded, "/api/v1/analytics/daily/2025-01-01", "{}");
        HttpResponse<String> unknownWithToken = get(guarded, "/api/v1/secret-route", "Authorization", "Bearer " + READ_TOKEN);

        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.body()).doesNotContain("Not found");
        assertThat(wrongMethod.statusCode()).isEqualTo(401);
        assertThat(wrongMethod.headers().firstValue("Allow")).isEmpty();
        assertThat(unknownWithToken.statusCode()).isEqualTo(404);
        assertThat(get(guarded, "/health").statusCode()).isEqualTo(200);
        // "/" and the dashboard's static files are public: they are served without a token.
        assertThat(get(guarded, "/").statusCode()).isEqualTo(200);
        assertThat(get(guarded, "/assets/app.js").statusCode()).isEqualTo(200);
        assertThat(get(guarded, "/assets/no-such-file.js").statusCode()).isEqualTo(404);
        assertThat(get(guarded, "/assets/../api/v1/orders").statusCode()).isEqualTo(401);
        assertThat(post(guarded, "/health", "{}").statusCode()).isEqualTo(401);
    }

    @Test
    void aPublicRouteCanOnlyBeHealthTheRootOrAnAsset() {
        Router router = new Router();
        Handler handler = request -> Response.ok("x");

        router.get("/health", handler, RouteOption.PUBLIC).get("/", handler, RouteOption.PUBLIC)
                .get("/assets/{file}", handler, RouteOption.PUBLIC);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> router.get("/api/v1/x", handler, RouteOption.PUBLIC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("can be public");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> router.post("/health", handler, RouteOption.PUBLIC))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStreamedBodyThatFailsBeforeAnyByteIsA500AndOneThatFailsHalfWayIsCutOff() throws IOException {
        Router router = new Router()
                .get("/boom", request -> Response.stream(200, "text/csv", out -> {
                    throw new IllegalStateException("the store went away");
                }))
                .get("/half", request -> Response.stream(200, "text/csv", out -> {
                    out.write(new byte[ResponseOutput.BUFFERED + 1]);
                    throw new IllegalStateException("the store went away");
                }));
        io.orderkpi.server.ServerConfig config = io.orderkpi.server.ServerConfig.load(Map.of("ORDERKPI_PORT", "0"), dir);
        try (ApiServer server = ApiServer.start(config, router,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            String boom = RawHttp.exchange(server.uri(), "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
            String half = RawHttp.exchange(server.uri(), "GET /half HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(boom).startsWith("HTTP/1.1 500 Internal Server Error\r\n").contains("Connection: close")
                    .contains("{\"success\":false,\"error\":\"Internal server error (request id ")
                    .doesNotContain("the store went away");
            assertThat(half).startsWith("HTTP/1.1 200 OK\r\n").contains("Transfer-Encoding: chunked")
                    .doesNotEndWith("0\r\n\r\n");
        }
    }

    @Test
    void headIsAnsweredAsGetWithoutTheBody() throws IOException {
        String answer = raw(open, "HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 15\r\n").endsWith("\r\n\r\n");
        assertThat(TestServers.send(open, HttpRequest.newBuilder(open.uri().resolve("/api/v1/orders"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);
    }

    @Test
    void everyAnsweredStatusHasItsReasonPhrase() {
        assertThat(StatusText.of(429)).isEqualTo("Too Many Requests");
        for (int status : new int[] {200, 201, 202, 400, 401, 403, 404, 405, 408, 409, 413, 414, 415, 429, 431, 500,
            503, 505}) {
            assertThat(StatusText.of(status)).as("status %d", status).isNotIn("Client Error", "Server Error")
                    .isNotBlank();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/api/v1/queues/failed?limit=abc|The limit parameter must be an integer",
        "/api/v1/orders/1/events?limit=abc|The limit parameter must be an integer",
        "/api/v1/orders/stuck?minutes=-1|The minutes parameter must be an integer from 0 to 525600",
        "/api/v1/orders/stuck?minutes=525601|The minutes parameter must be an integer from 0 to 525600",
        "/api/v1/orders/stuck?minutes=x|The minutes parameter must be an integer from 0 to 525600",
    })
    void aBadIntegerParameterIsA400NamingIt(String path, String error) {
        HttpResponse<String> response = get(open, path);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"success\":false,\"error\":\"" + error + "\"}");
    }

    @Test
    void theEdgesOfMinutesAndAClampedLimitAreAccepted() {
        assertThat(get(open, "/api/v1/orders/stuck?minutes=0").statusCode()).isEqualTo(200);
        assertThat(get(open, "/api/v1/orders/stuck?minutes=525600").statusCode()).isEqualTo(200);
        assertThat(get(open, "/api/v1/queues/failed?limit=0").statusCode()).isEqualTo(200);
        assertThat(get(open, "/api/v1/queues/failed?limit=100000").statusCode()).isEqualTo(200);
    }

    @Test
    void todayAndYesterdayAreTakenWhereverADateIs() {
        assertThat(get(open, "/api/v1/analytics/customers/c1/rank?date=yesterday").body())
                .contains("is not ranked on");
        assertThat(get(open, "/api/v1/analytics/kpis?start_date=yesterday&end_date=today").statusCode()).isEqualTo(200);
        assertThat(get(open, "/api/v1/analytics/verify?start_date=yesterday").statusCode()).isEqualTo(200);
        assertThat(post(open, "/api/v1/analytics/backfill", "{\"from\":\"yesterday\",\"to\":\"today\"}").statusCode())
                .isEqualTo(202);
        assertThat(get(open, "/api/v1/analytics/customers/c1/rank?date=tomorrow").body())
                .contains("Invalid date format");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/api/v1/orders|[1,2]|The JSON body: expected an object",
        "/api/v1/analytics/backfill|{\"from\":\"2025-01-01\",\"force\":\"maybe\"}|force: expected true or false",
        "/api/v1/orders|{\"order_number\":\"A\",\"items\":{\"a\":1}}|items: expected an array",
        "/api/v1/orders|{\"order_number\":\"A\",\"items\":[{\"quantity\":[1]}]}|items[0].quantity: expected a string",
        "/api/v1/analytics/backfill|{\"from\":\"2024-01-01\",\"to\":\"2025-01-01\"}|from and to may span at most 366 days, counting both",
    })
    void messagesNameTheFieldAndTheReasonWithoutJavaInternals(String path, String body, String error) {
        HttpResponse<String> response = post(open, path, body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"success\":false,\"error\":\"" + error + "\"}")
                .doesNotContain("java.", "io.orderkpi", "$");
    }
}
