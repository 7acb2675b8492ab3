package io.orderkpi.bench;

import com.sun.net.httpserver.HttpServer;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.ServerConfig;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * P6: {@code GET /api/v1/analytics/daily/{date}} of a real server holding generated orders, under
 * keep-alive load from fixed connections, against a bare JDK {@code HttpServer} answering the
 * same bytes from memory with as many threads.
 */
final class HttpDailyWorkload implements Workload {

    private static final int CONNECTIONS = 16;
    private static final int BARE_THREADS = 16;
    private final Path workDir;

    HttpDailyWorkload(Path workDir) {
        this.workDir = workDir;
    }

    @Override
    public String id() {
        return "P6";
    }

    @Override
    public String title() {
        return "HTTP GET daily KPIs, keep-alive";
    }

    @Override
    public String unit() {
        return "req/s";
    }

    @Override
    public Goal goal() {
        return new Goal(0.7, "≥ 0.7, p99 ≤ 2×");
    }

    @Override
    public Outcome run(Mode mode) throws Exception {
        Duration each = Duration.ofMillis(mode.size(10_000, 1_000));
        int connections = mode == Mode.SMOKE ? 2 : CONNECTIONS;
        Instant now = Instant.now();
        LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate().minusDays(1);
        String path = "/api/v1/analytics/daily/" + day;
        Map<String, String> env = Map.of("ORDERKPI_PORT", "0", "ORDERKPI_WORKERS", "4", "ORDERKPI_SIM_SEED", "11",
                "ORDERKPI_SHUTDOWN_GRACE_SECONDS", "2");
        try (OrderKpiServer ours = OrderKpiServer.start(ServerConfig.load(env, workDir))) {
            Path csv = workDir.resolve("p6-orders.csv");
            SampleOrders.write(csv, SampleOrders.Options.builder().count(mode.size(5_000, 200)).seed(6).days(7)
                    .now(now).build());
            ours.kpi().importFile(csv, ImportOptions.named("p6-orders.csv"), true);
            if (!ours.kpi().awaitIdle(Duration.ofMinutes(2))) {
                throw new IllegalStateException("the sample orders did not settle within 2 minutes");
            }
            HttpResponse<byte[]> sample = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ours.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (sample.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + sample.statusCode());
            }
            byte[] body = sample.body();
            String contentType = sample.headers().firstValue("Content-Type").orElse("application/json");
            ExecutorService bareThreads = Executors.newFixedThreadPool(BARE_THREADS);
            HttpServer bare = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            bare.createContext("/", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", contentType);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            bare.setExecutor(bareThreads);
            bare.start();
            try {
                List<KeepAliveLoad.Result> oursRuns = new ArrayList<>();
                List<KeepAliveLoad.Result> bareRuns = new ArrayList<>();
                Outcome.Measured measured = Pairs.measure(mode, () -> {
                    KeepAliveLoad.Result run = KeepAliveLoad.run(ours.port(), path, connections, each);
                    oursRuns.add(run);
                    return run.perSecond();
                }, () -> {
                    KeepAliveLoad.Result run = KeepAliveLoad.run(bare.getAddress().getPort(), path, connections, each);
                    bareRuns.add(run);
                    return run.perSecond();
                }, Map.of());
                Map<String, String> notes = new LinkedHashMap<>();
                notes.put("connections", Integer.toString(connections));
                notes.put("seconds_per_run", Long.toString(each.toSeconds()));
                notes.put("body_bytes", Integer.toString(body.length));
                List<KeepAliveLoad.Result> oursCounted = oursRuns.subList(mode.warmups(), oursRuns.size());
                List<KeepAliveLoad.Result> bareCounted = bareRuns.subList(mode.warmups(), bareRuns.size());
                notes.put("ours_p50_us", median(oursCounted, 50));
                notes.put("ours_p99_us", median(oursCounted, 99));
                notes.put("limit_p50_us", median(bareCounted, 50));
                notes.put("limit_p99_us", median(bareCounted, 99));
                notes.put("nodelay_property", String.valueOf(System.getProperty("sun.net.httpserver.nodelay")));
                return new Outcome.Measured(measured.oursRuns(), measured.limitRuns(), notes);
            } finally {
                bare.stop(0);
                bareThreads.shutdownNow();
            }
        }
    }

    /** The median, over the counted runs, of each run's percentile. */
    private static String median(List<KeepAliveLoad.Result> counted, double percentile) {
        List<Double> values = counted.stream().map(run -> run.percentileMicros(percentile)).toList();
        return String.format(Locale.ROOT, "%.0f", Outcome.Measured.median(values));
    }
}
