package io.orderkpi.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderkpi.core.OrderKpi;
import io.orderkpi.server.ServerConfig;
import io.orderkpi.server.http.ApiServer;
import io.orderkpi.server.http.Json;
import io.orderkpi.server.http.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real server on an ephemeral port serving {@link OperationsRoutes#operations} over an
 * in-memory {@link OrderKpi} whose simulated stock and payments never fail, and an HTTP client
 * to call it. One per test class: starting one takes a few hundred milliseconds.
 */
final class ApiFixture implements AutoCloseable {

    /** The upload limit of the fixture's server: small, so a 413 is cheap to provoke. */
    static final long MAX_UPLOAD_BYTES = 512 * 1024;

    final OrderKpi kpi;
    final ApiServer server;
    final ServerConfig config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ApiFixture(OrderKpi kpi, ServerConfig config) {
        this.kpi = kpi;
        this.config = config;
        Router router = new Router();
        OperationsRoutes.operations(kpi, config).forEach(router::include);
        this.server = ApiServer.start(config, router, new SimpleMeterRegistry());
    }

    static ApiFixture start(Path dir) {
        return start(dir, builder -> { });
    }

    /** @param customize changes to the facade's builder (an extra notifier, fewer attempts, ...) */
    static ApiFixture start(Path dir, Consumer<OrderKpi.Builder> customize) {
        Map<String, String> env = new HashMap<>();
        env.put(ServerConfig.PORT, "0");
        env.put(ServerConfig.MAX_UPLOAD_BYTES, Long.toString(MAX_UPLOAD_BYTES));
        ServerConfig config = ServerConfig.load(env, dir);
        OrderKpi.Builder builder = OrderKpi.builder().simulation(42, 0, 0, 0).workers(4)
                .shutdownGrace(Duration.ofSeconds(2)).spoolDirectory(dir.resolve("spool"));
        customize.accept(builder);
        return new ApiFixture(builder.build(), config);
    }

    /** A response with its body as text and, for JSON, parsed. */
    record Reply(int status, String body, HttpHeaders headers) {

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON: " + body, e);
            }
        }

        JsonNode data() {
            return json().get("data");
        }

        String error() {
            return json().get("error").asText();
        }
    }

    Reply get(String path) {
        return send(request(path).GET());
    }

    Reply delete(String path) {
        return send(request(path).DELETE());
    }

    Reply post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    Reply postJson(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply post(String path, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = request(path).POST(body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(Duration.ofSeconds(20));
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The JSON of a valid one-item order, as {@code POST /api/v1/orders} takes it. */
    static String orderJson(String orderNumber, String customerId, String total) {
        return """
                {"order_number":"%s","customer_id":"%s","customer_name":"Zoë Ångström",
                 "customer_email":"zoe@example.com","total_amount":%s,
                 "items":[{"product_id":"P-1","product_name":"Mug","sku":"SKU-1","quantity":2,"unit_price":%s}]}
                """.formatted(orderNumber, customerId, total, total);
    }

    /** Creates an order over the API and returns its id. */
    long createOrder(String orderNumber, String customerId, String total) {
        Reply reply = postJson("/api/v1/orders", orderJson(orderNumber, customerId, total));
        if (reply.status() != 201) {
            throw new AssertionError("Order not created: " + reply.status() + " " + reply.body());
        }
        return reply.data().get("id").asLong();
    }

    @Override
    public void close() {
        server.close();
        kpi.close();
    }
}
