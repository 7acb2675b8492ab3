package io.orderkpi.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.ServerConfig;
import io.orderkpi.server.TestServers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * Arbitrary requests to the real endpoints (RELIABILITY R8): the route table of a real server
 * (in memory), its handlers and the server's own error mapping ({@link ApiServer#toError}) answer
 * every request line and body with a success or a 4xx, never a 5xx, and the answer can be written.
 * That covers the parsing of dates ({@code today}, {@code YYYY-MM-DD}), limits, cursors, ids,
 * statuses and the JSON bodies of orders, refunds and backfills. A list with a
 * {@code next_cursor} serves its next page with that cursor; an order created is found under its
 * id with the same number.
 *
 * <p>The input is {@code METHOD /target} on its first line and the body after it (sent as JSON,
 * or as CSV to the upload), so that the committed inputs read like requests. The request line goes
 * through {@link RequestLine} first; what it refuses is {@link HttpHeadFuzzTest}'s concern. The
 * handlers are called directly, without a socket, so an execution costs well under a millisecond.
 */
class ApiRequestFuzzTest {

    private static final String ID = "fuzz";
    private static final Path WORK_DIR;
    private static final OrderKpiServer SERVER;
    private static final Router ROUTER = new Router();

    static {
        try {
            WORK_DIR = Files.createTempDirectory("api-fuzz");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
        SERVER = TestServers.start(WORK_DIR, Map.of(ServerConfig.STOCK_FAILURE_RATE, "0",
                ServerConfig.PAYMENT_FAILURE_RATE, "0", ServerConfig.REFUND_FAILURE_RATE, "0"));
        for (Route route : SERVER.routes()) {
            ROUTER.add(route.method(), route.template(), route.handler(), route.options().toArray(RouteOption[]::new));
        }
    }

    @AfterAll
    static void stop() throws IOException {
        SERVER.close();
        try (var files = Files.walk(WORK_DIR)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "3m")
    @DictionaryEntries({"/api/v1/", "analytics/daily/", "analytics/leaderboard/", "analytics/kpis", "orders",
            "refunds", "imports", "queues", "outbox", "notifications", "today", "yesterday", "2025-11-16",
            "start_date=", "end_date=", "limit=", "cursor=", "status=", "minutes=", "\"amount\":", "\"reason\":",
            "\"refund_id\":", "\"order_number\":", "\"items\":", "\"quantity\":", "\"unit_price\":", "\"total_amount\":",
            "\"from\":", "\"to\":", "azE6", "%2F", "%00"})
    void everyRequestIsAnsweredWithoutAServerError(byte[] input) throws IOException {
        int newline = indexOf(input, (byte) '\n');
        String line = new String(input, 0, newline < 0 ? input.length : newline, StandardCharsets.ISO_8859_1);
        byte[] body = newline < 0 ? new byte[0] : Arrays.copyOfRange(input, newline + 1, input.length);
        HttpHead parsed;
        try {
            parsed = RequestLine.parse(line + " HTTP/1.1", new HttpHead.Builder());
        } catch (HttpProtocolException refused) {
            return;
        }
        answer(parsed.method(), parsed.rawPath(), parsed.rawQuery(), body, true);
    }

    /**
     * Serves one request as the server does after reading it, and checks the answer.
     *
     * @param followUp whether to make the request a client makes next with a successful answer
     *                 (one step only: a page's next page, not every page after it)
     * @return the answer's JSON, or null when it is not JSON
     */
    private static JsonNode answer(String method, String rawPath, String rawQuery, byte[] body, boolean followUp)
            throws IOException {
        boolean head = method.equals("HEAD");
        if (!(ROUTER.match(head ? "GET" : method, rawPath) instanceof Router.Found found)) {
            return null; // 404 or 405
        }
        String type = found.route().has(RouteOption.UPLOAD) ? "text/csv" : "application/json";
        HttpHead request = new HttpHead(method, rawPath, rawQuery, true, Map.of("Content-Type", List.of(type)));
        Response response;
        Exception thrown = null;
        try {
            response = found.route().handler().handle(new Request(request, found.route(), found.params(), ID,
                    new ByteArrayInputStream(body)));
        } catch (Exception e) {
            thrown = e;
            response = ApiServer.toError(e, ID);
        }
        assertThat(response.status()).as("%s %s?%s answered %s", method, rawPath, rawQuery, stackTrace(thrown))
                .isBetween(200, 499);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        ResponseOutput out = new ResponseOutput(written);
        out.write(response.status(), response.contentType(), response.headers(), response.body(), !head, true);
        out.flush();
        assertThat(written.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 " + response.status() + " ");
        if (head || !response.contentType().equals(Response.JSON)) {
            return null;
        }
        // The answer above may be chunked: the JSON is read from its writer again, unframed.
        ByteArrayOutputStream bodyOnly = new ByteArrayOutputStream();
        response.body().writeTo(bodyOnly);
        JsonNode json = Json.MAPPER.readTree(bodyOnly.toByteArray());
        if (followUp && response.status() < 300) {
            followUp(method, found.route(), rawPath, rawQuery, json);
        }
        return json;
    }

    /** What a client does next with a successful answer, which must succeed too. */
    private static void followUp(String method, Route route, String rawPath, String rawQuery, JsonNode json)
            throws IOException {
        JsonNode data = json.path("data");
        if (method.equals("GET") && data.hasNonNull("next_cursor")) {
            String query = rawQuery.replaceAll("(^|&)cursor=[^&]*", "");
            query = (query.isEmpty() ? "" : query + "&") + "cursor=" + data.get("next_cursor").asText();
            assertThat(succeeded(answer("GET", rawPath, query, new byte[0], false))).as("the next page of " + rawPath)
                    .isTrue();
        }
        if (method.equals("POST") && route.template().equals("/api/v1/orders")) {
            JsonNode order = answer("GET", "/api/v1/orders/" + data.get("id").asLong(), "", new byte[0], false);
            assertThat(order.path("data").path("order_number").asText())
                    .isEqualTo(data.path("order_number").asText());
        }
    }

    private static boolean succeeded(JsonNode json) {
        return json != null && json.path("success").asBoolean();
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static String stackTrace(Exception e) {
        if (e == null) {
            return "no exception";
        }
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
