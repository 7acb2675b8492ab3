package io.orderkpi.server.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.LongConsumer;

/**
 * The CLI's client of the JSON API (SPEC §9): GET/POST/DELETE with the bearer token, a streamed
 * file upload with a progress callback, and a download to a file. Every failure becomes a
 * {@link CliException} with one line for the user: the server's {@code "error"} message, or
 * "Cannot reach the OrderKPI server …" when nothing listens. Not thread-safe in its use of the
 * progress callback; one instance serves one command.
 */
final class ApiClient {

    /**
     * Reads numbers as exact {@link java.math.BigDecimal}s keeping their scale ({@code 15234.50}
     * stays two decimals), so money is never a double on its way to the screen or an export.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /** Short requests: a server that takes longer is in trouble and the user should know. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /**
     * One answer of the API.
     *
     * @param status the HTTP status (callers tell 200 "already done" from 202 "queued")
     * @param body   the parsed JSON body
     */
    record ApiResponse(int status, JsonNode body) {

        /** The envelope's {@code data}, or a missing node. */
        JsonNode data() {
            JsonNode data = body.get("data");
            return data == null ? MissingNode.getInstance() : data;
        }
    }

    private final URI base;
    private final Optional<String> token;
    private final HttpClient http;

    ApiClient(URI base, Optional<String> token) {
        this.base = base;
        this.token = token;
        // HTTP/1.1: the server speaks only HTTP/1.1; an h2c upgrade attempt would only cost a round trip.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    URI base() {
        return base;
    }

    /** A path with its query; {@code null} values are left out, the others URL-encoded. */
    static String path(String path, Map<String, ?> query) {
        StringJoiner joiner = new StringJoiner("&");
        query.forEach((name, value) -> {
            if (value != null) {
                joiner.add(encode(name) + "=" + encode(String.valueOf(value)));
            }
        });
        return joiner.length() == 0 ? path : path + "?" + joiner;
    }

    /**
     * Name/value pairs in their order, for a query ({@link #path}) or a JSON body; a {@code null}
     * value is left out, so an option the user did not give is not sent at all.
     */
    static Map<String, Object> params(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("params takes name/value pairs");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                params.put((String) namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return params;
    }

    /** One path segment, encoded (an order number or queue name may hold any character). */
    static String segment(String value) {
        return encode(value).replace("+", "%20");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    ApiResponse get(String path) {
        return send(request(path).GET());
    }

    ApiResponse delete(String path) {
        return send(request(path).DELETE());
    }

    /** POST with a JSON body, or an empty one when {@code body} is null. */
    ApiResponse post(String path, Object body) {
        String json;
        try {
            json = body == null ? "" : MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write the request body", e);
        }
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /**
     * Streams a file as the request body, reporting the bytes sent so far. No request timeout:
     * a large upload may take minutes; the server's own idle timeout bounds a stuck one.
     */
    ApiResponse upload(String path, Path file, String contentType, LongConsumer bytesSent) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new CliException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return new CountingInputStream(Files.newInputStream(file), bytesSent);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(base.getPath() + path))
                .header("Content-Type", contentType)
                // An empty file still goes to the server, which refuses it with its own message.
                .POST(size == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.fromPublisher(stream, size));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return send(request);
    }

    /** Downloads a body to a file (written whole, then moved into place). */
    void download(String path, Path target) {
        HttpResponse<InputStream> response = exchange(request(path).GET(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() >= 400) {
                throw failure(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8), path);
            }
            Path temp = target.resolveSibling(target.getFileName() + ".part");
            try (OutputStream out = Files.newOutputStream(temp)) {
                in.transferTo(out);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CliException("Cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(base.getPath() + path))
                .timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
        token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
        return builder;
    }

    private ApiResponse send(HttpRequest.Builder request) {
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        String path = response.request().uri().getRawPath();
        if (response.statusCode() >= 400) {
            throw failure(response.statusCode(), response.body(), path);
        }
        try {
            JsonNode body = response.body().isEmpty() ? MAPPER.createObjectNode() : MAPPER.readTree(response.body());
            return new ApiResponse(response.statusCode(), body);
        } catch (JsonProcessingException e) {
            throw new CliException("The server at " + base + " answered " + path + " with something that is not JSON"
                    + " (HTTP " + response.statusCode() + ")", e);
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request.build(), handler);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CliException(unreachable(), e);
        } catch (UncheckedIOException e) {
            throw new CliException("Cannot read the file to upload: " + e.getCause().getMessage(), e);
        } catch (IOException e) {
            // The JDK reports a refused connection inside other IOExceptions on some paths.
            if (e.getCause() instanceof ConnectException) {
                throw new CliException(unreachable(), e);
            }
            throw new CliException("Request to the OrderKPI server at " + base + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("Interrupted while waiting for the server", e);
        }
    }

    private String unreachable() {
        return "Cannot reach the OrderKPI server at " + base + ": is it running? (./orderkpi serve)";
    }

    /** The server's one-line error, or the status when the body is not the API's error JSON. */
    private CliException failure(int status, String body, String path) {
        try {
            JsonNode error = MAPPER.readTree(body).get("error");
            if (error != null && error.isTextual() && !error.asText().isBlank()) {
                String message = error.asText().lines().findFirst().orElse("").strip();
                return new CliException(message + " (HTTP " + status + ")");
            }
        } catch (JsonProcessingException e) {
            // Not JSON (a proxy's page): fall through to the status line.
        }
        return new CliException("The OrderKPI server at " + base + " answered HTTP " + status + " for " + path);
    }

    /** Counts the bytes read from a file as the client sends them. */
    private static final class CountingInputStream extends FilterInputStream {

        private final LongConsumer progress;
        private long count;

        CountingInputStream(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                progress.accept(++count);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
                progress.accept(count);
            }
            return n;
        }
    }
}
