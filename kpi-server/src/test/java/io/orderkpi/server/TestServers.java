package io.orderkpi.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Starts real servers on a free port and talks to them over real HTTP. */
public final class TestServers {

    public static final String API_TOKEN = "api-token-0123456789abcdef";
    public static final String READ_TOKEN = "read-token-0123456789abcdef";

    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServers() {
    }

    /** A server on port 0 with a small worker pool and the given environment on top. */
    public static OrderKpiServer start(Path workDir, Map<String, String> env) {
        Map<String, String> all = new HashMap<>();
        all.put(ServerConfig.PORT, "0");
        all.put(ServerConfig.WORKERS, "4");
        all.put(ServerConfig.SHUTDOWN_GRACE_SECONDS, "2");
        all.put(ServerConfig.SIM_SEED, "7");
        all.putAll(env);
        return OrderKpiServer.start(ServerConfig.load(all, workDir));
    }

    public static HttpResponse<String> get(OrderKpiServer server, String path, String... headers) {
        return send(server, HttpRequest.newBuilder(server.uri().resolve(path)).GET(), headers);
    }

    public static HttpResponse<String> post(OrderKpiServer server, String path, String json, String... headers) {
        return send(server, HttpRequest.newBuilder(server.uri().resolve(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)), headers);
    }

    /**
     * The shared client, whose pool keeps connections open between requests; for a server that
     * closes idle connections within a few seconds, a client of the request's own: the server
     * may close a pooled connection just as the next request goes out on it, and the client
     * then reads no answer (a POST is not sent again).
     */
    private static HttpClient clientFor(OrderKpiServer server) {
        return server.config().httpIdleTimeout().compareTo(Duration.ofSeconds(5)) < 0
                ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                : CLIENT;
    }

    public static HttpResponse<String> send(OrderKpiServer server, HttpRequest.Builder request, String... headers) {
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return clientFor(server).send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until every queue is idle and every event delivered: the KPIs are final. */
    public static boolean awaitIdle(io.orderkpi.core.OrderKpi kpi) {
        try {
            return kpi.awaitIdle(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static URI uri(OrderKpiServer server, String path) {
        return server.uri().resolve(path);
    }
}
