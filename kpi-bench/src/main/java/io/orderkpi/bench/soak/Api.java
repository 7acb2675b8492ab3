package io.orderkpi.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's HTTP API as the soak's traffic uses it, counting every answer by what was asked
 * ({@code POST /imports}, {@code GET daily}, …) and status; a request that got no answer (refused,
 * reset, timed out) is counted as status 0.
 */
final class Api {

    /** Status counted for a request that got no HTTP answer at all. */
    static final int NO_ANSWER = 0;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final Map<String, Map<Integer, LongAdder>> answers = new ConcurrentHashMap<>();
    private final Map<String, String> firstErrors = new ConcurrentHashMap<>();

    Api(URI base) {
        this.base = base;
    }

    /** An answer: its status and, for JSON, the parsed body ({@code null} when there was none). */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        JsonNode data() {
            return body == null ? JSON.missingNode() : body.path("data");
        }
    }

    Answer get(String what, String pathAndQuery) {
        return send(what, HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET());
    }

    Answer postJson(String what, String path, Object body) {
        try {
            return send(what, HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + body + " as JSON", e);
        }
    }

    Answer postFile(String what, String pathAndQuery, String contentType, Path file) {
        try {
            return send(what, HttpRequest.newBuilder(base.resolve(pathAndQuery)).header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofFile(file)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** The raw text of {@code GET path}, for the Prometheus page; not counted as traffic. */
    String text(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration
                .ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode());
        }
        return response.body();
    }

    private Answer send(String what, HttpRequest.Builder request) {
        int status;
        JsonNode body = null;
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
                body = JSON.readTree(response.body());
            }
            if (status < 200 || status >= 300) {
                firstErrors.putIfAbsent(what + " " + status, response.body());
            }
        } catch (IOException e) {
            status = NO_ANSWER;
            firstErrors.putIfAbsent(what + " " + status, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = NO_ANSWER;
        }
        answers.computeIfAbsent(what, key -> new ConcurrentHashMap<>()).computeIfAbsent(status, key -> new LongAdder())
                .increment();
        return new Answer(status, body);
    }

    /** Every answer so far: what was asked → status → count, sorted. */
    Map<String, Map<Integer, Long>> answers() {
        Map<String, Map<Integer, Long>> copy = new TreeMap<>();
        answers.forEach((what, statuses) -> {
            Map<Integer, Long> counts = new TreeMap<>();
            statuses.forEach((status, count) -> counts.put(status, count.sum()));
            copy.put(what, counts);
        });
        return copy;
    }

    /** The first answer (or exception) of each failing kind, for the report. */
    Map<String, String> firstErrors() {
        return new TreeMap<>(firstErrors);
    }
}
