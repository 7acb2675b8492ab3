package io.orderkpi.server.routes;

import io.orderkpi.server.ServerContext;
import io.orderkpi.server.http.Request;
import io.orderkpi.server.http.Response;
import io.orderkpi.server.http.RouteOption;
import io.orderkpi.server.http.Router;
import io.orderkpi.server.http.Routes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /health} (liveness, no token), {@code GET /ready} (each store by its back-end's name,
 * {@code mysql} or {@code records}, {@code redis} or {@code kpis}, the outbox relay and the
 * workers; 503 when one is not ok; the SMTP server too when the email channel is on, reported
 * but not required) and {@code GET /metrics} (Prometheus text format).
 */
public final class HealthRoutes implements Routes {

    /** The Prometheus text exposition format the registry's {@code scrape()} writes. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ServerContext context;

    public HealthRoutes(ServerContext context) {
        this.context = context;
    }

    @Override
    public void register(Router router) {
        router.get("/health", this::health, RouteOption.PUBLIC)
                .get("/ready", this::ready)
                .get("/metrics", this::metrics);
    }

    record Health(String status) {
    }

    record Ready(String status, Map<String, String> checks) {
    }

    private Response health(Request request) {
        return Response.json(200, new Health("ok"));
    }

    private Response ready(Request request) {
        Map<String, String> checks = new LinkedHashMap<>();
        context.storeChecks().forEach((name, probe) -> checks.put(name, check(probe)));
        checks.put("relay", check(() -> context.kpi().relay().isHealthy() ? "ok" : "not running"));
        checks.put("workers", check(() -> {
            if (context.state().stopping()) {
                return "stopping";
            }
            // The job store's server is probed by the store checks above.
            return context.kpi().workers().isRunning() ? "ok" : "not running";
        }));
        boolean ready = checks.values().stream().allMatch("ok"::equals);
        // Reported only: the API works without the mail server, and mails wait in the queue for it.
        context.notifiers().checks().forEach((name, probe) -> checks.put(name, check(probe)));
        return Response.json(ready ? 200 : 503, new Ready(ready ? "ready" : "not_ready", checks));
    }

    private static String check(Supplier<String> probe) {
        try {
            return probe.get();
        } catch (RuntimeException e) {
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
    }

    private Response metrics(Request request) {
        return Response.text(200, PROMETHEUS_TEXT, context.meters().scrape());
    }
}
