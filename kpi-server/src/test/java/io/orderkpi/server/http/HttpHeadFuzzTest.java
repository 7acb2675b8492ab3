package io.orderkpi.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * Arbitrary bytes as what a client sends on one connection (RELIABILITY R8): the server's own
 * HTTP/1.1 reading ({@link ClientInput}, {@link RequestLine}, {@link Framing}, {@link RequestBody})
 * turns them into requests, one after another as long as the connection may carry another, or
 * stops with the status the server answers (400, 413, 414, 431, 505) and a one-line message, or
 * at the end of the bytes. Every head read is well-formed, reads back the same once written out
 * again, and its path and query are decoded by the {@link Router} and {@link Request} as a handler
 * would see them, or refused with a 400. Nothing else may escape: an escaping exception is what
 * would end a connection without an answer or with a 500.
 *
 * <p>The bytes come from memory, not a socket, so each execution costs microseconds; the deadline
 * logic of {@link ClientInput} never fires because nothing ever waits. {@code ./mvnw verify}
 * replays the committed inputs under {@code src/test/resources/io/orderkpi/server/http/HttpHeadFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1} fuzzes (docs/reliability.md).
 */
class HttpHeadFuzzTest {

    private static final HttpLimits LIMITS = new HttpLimits(30_000, TimeUnit.SECONDS.toNanos(10),
            TimeUnit.SECONDS.toNanos(5), 1024, 16);
    /** A small body limit, so that the 413 paths are within the fuzzer's reach. */
    private static final long BODY_LIMIT = 4096;
    /** Requests read from one input at most: pipelining is covered without long inputs running long. */
    private static final int MAX_REQUESTS = 16;
    private static final Set<Integer> HEAD_STATUSES = Set.of(400, 414, 431, 505);
    private static final Set<Integer> BODY_STATUSES = Set.of(400, 413);

    /** The shapes of the real routes: literals, parameters, a literal next to a parameter. */
    private static final Router ROUTER = new Router()
            .get("/health", request -> Response.ok("up"))
            .get("/api/v1/orders", request -> Response.ok("list"))
            .get("/api/v1/orders/stuck", request -> Response.ok("stuck"))
            .get("/api/v1/orders/{id}", request -> Response.ok("one"))
            .post("/api/v1/orders/{id}/refunds", request -> Response.ok("refund"))
            .get("/api/v1/analytics/daily/{date}", request -> Response.ok("day"))
            .get("/api/v1/imports/{id}/rejected.csv", request -> Response.ok("rejected"));

    @FuzzTest(maxDuration = "3m")
    // Jazzer writes these to a dictionary file without escaping: no control characters in them.
    @DictionaryEntries({"GET ", "POST ", "HEAD ", " HTTP/1.1", " HTTP/1.0", "Content-Length: ",
            "Transfer-Encoding: chunked", "Connection: close", "Connection: keep-alive", "Expect: 100-continue",
            "/api/v1/orders/", "/api/v1/analytics/daily/", "?limit=", "&cursor=", "%2F", "%C3%A9", ";ext=1"})
    void anyBytesAreRequestsOrACleanRefusal(byte[] input) throws IOException {
        ClientInput in = new ClientInput(new BytesSocket(input), LIMITS);
        for (int i = 0; i < MAX_REQUESTS && in.awaitRequest(); i++) {
            HttpHead head;
            try {
                head = in.readHead();
            } catch (EOFException end) {
                return; // the client closed inside a head: the server closes quietly
            } catch (ClientIOException refused) {
                assertCleanRefusal(refused, HEAD_STATUSES);
                return;
            }
            assertWellFormed(head);
            assertThat(reparse(head)).as("the head written out and read again").isEqualTo(head);
            decodeAsAHandlerWould(head);
            if (!readBody(head, in) || !head.keepAlive()) {
                return;
            }
        }
    }

    private static void assertCleanRefusal(ClientIOException refused, Set<Integer> statuses) {
        assertThat(refused.status()).as(refused.getMessage()).isIn(statuses);
        assertThat(refused.getMessage()).isNotBlank().doesNotContain("\n", "\r");
    }

    private static void assertWellFormed(HttpHead head) {
        assertThat(head.method()).isNotEmpty().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
        assertThat(head.rawPath()).startsWith("/").matches("[\\x21-\\x7e]*").doesNotContain("?", "#");
        assertThat(head.rawQuery()).matches("[\\x21-\\x7e]*").doesNotContain("#");
        head.headers().forEach((name, values) -> {
            assertThat(name).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
            for (String value : values) {
                assertThat(value).as("value of " + name).doesNotMatch("(?s).*[\\x00-\\x08\\x0a-\\x1f\\x7f].*")
                        .isEqualTo(value.strip());
            }
        });
    }

    /** The head as a client would have sent it, read again. */
    private static HttpHead reparse(HttpHead head) throws IOException {
        StringBuilder text = new StringBuilder(head.method()).append(' ').append(head.rawPath());
        if (!head.rawQuery().isEmpty()) {
            text.append('?').append(head.rawQuery());
        }
        text.append(head.http11() ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n");
        head.headers().forEach((name, values) -> values.forEach(value ->
                text.append(name).append(": ").append(value).append("\r\n")));
        text.append("\r\n");
        return new ClientInput(new BytesSocket(text.toString().getBytes(StandardCharsets.ISO_8859_1)), LIMITS)
                .readHead();
    }

    /**
     * Path parameters and query parameters as the handler gets them, or the 400 it answers; once
     * decoded, they encode to a path and query that decode to the same again.
     */
    private static void decodeAsAHandlerWould(HttpHead head) {
        if (!(ROUTER.match(head.method(), head.rawPath()) instanceof Router.Found found)) {
            return; // a 404 or 405: answered without decoding anything
        }
        found.params().values().forEach(value -> assertThat(value).isNotEmpty());
        Map<String, String> query;
        try {
            query = new Request(head, found.route(), found.params(), "fuzz", InputStream.nullInputStream())
                    .queryParams();
        } catch (ApiException refused) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        StringBuilder path = new StringBuilder();
        for (String segment : found.route().segments()) {
            String name = segment.substring(1, Math.max(1, segment.length() - 1));
            path.append('/').append(Route.isParameter(segment) ? percentEncoded(found.params().get(name)) : segment);
        }
        StringJoiner rawQuery = new StringJoiner("&");
        query.forEach((name, value) -> rawQuery.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpHead again = new HttpHead(head.method(), path.toString(), rawQuery.toString(), true, Map.of());
        Router.Found foundAgain = (Router.Found) ROUTER.match(again.method(), again.rawPath());
        assertThat(foundAgain.route()).isSameAs(found.route());
        assertThat(foundAgain.params()).isEqualTo(found.params());
        assertThat(new Request(again, foundAgain.route(), foundAgain.params(), "fuzz",
                InputStream.nullInputStream()).queryParams()).isEqualTo(query);
    }

    /** A path segment as a careful client writes it: unreserved characters as they are, every other byte as %XX. */
    private static String percentEncoded(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * Reads the body the head announces, as the server does for a JSON endpoint.
     *
     * @return whether the connection can carry another request
     */
    private static boolean readBody(HttpHead head, ClientInput in) throws IOException {
        RequestBody body;
        try {
            body = Framing.body(head, in, BODY_LIMIT, () -> { });
            byte[] bytes = body.readAllBytes();
            assertThat((long) bytes.length).isLessThanOrEqualTo(BODY_LIMIT);
        } catch (ClientIOException refused) {
            assertCleanRefusal(refused, BODY_STATUSES);
            return false;
        } catch (ApiException tooLarge) {
            assertThat(tooLarge.status()).isEqualTo(413);
            return false;
        }
        assertThat(body.finished()).as("a body read to its end").isTrue();
        return true;
    }

    /**
     * A socket whose input is fixed bytes, as from a client that sent them and closed its side;
     * {@link ClientInput} sets read timeouts on it, which mean nothing here.
     */
    private static final class BytesSocket extends Socket {
        private final InputStream in;

        BytesSocket(byte[] bytes) {
            this.in = new ByteArrayInputStream(bytes);
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public void setSoTimeout(int timeout) {
            // nothing ever waits
        }
    }
}
