package io.orderkpi.server;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.analytics.Analytics;
import io.orderkpi.core.notifier.LogNotifier;
import io.orderkpi.server.http.ApiServer;
import io.orderkpi.server.http.Router;
import io.orderkpi.server.http.Routes;
import io.orderkpi.server.routes.AnalyticsRoutes;
import io.orderkpi.server.routes.DashboardRoutes;
import io.orderkpi.server.routes.HealthRoutes;
import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: the {@link OrderKpi} facade built from a {@link ServerConfig}, its meters,
 * and the HTTP API in front of it.
 *
 * <pre>{@code
 * try (OrderKpiServer server = OrderKpiServer.start(ServerConfig.load(System.getenv(), Path.of("")))) {
 *     server.awaitClosed();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the workers taking jobs and closes HTTP at once, then the facade; the workers finish
 * running jobs within the shutdown grace period (the rest stay queued).
 */
public final class OrderKpiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OrderKpiServer.class);

    private final ServerConfig config;
    private final PrometheusMeterRegistry meters;
    private final JvmGcMetrics gcMetrics;
    private final NotifierWiring notifiers;
    private final StoreWiring stores;
    private final OrderKpi kpi;
    private final BackgroundJobs jobs;
    private final ServerState state = new ServerState();
    private final ApiServer api;
    private final Router router;
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    @Nullable
    private final DemoTrickle trickle;
    private boolean closed;

    /**
     * The endpoint groups, in registration order. To add endpoints, write a {@link Routes} class
     * taking a {@link ServerContext} and list its constructor here.
     */
    public static List<Function<ServerContext, Routes>> routeGroups() {
        return List.of(HealthRoutes::new, AnalyticsRoutes::new, DashboardRoutes::new);
    }

    private OrderKpiServer(ServerConfig config) {
        this.config = config;
        this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(meters);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        long seed = config.simSeed().orElseGet(() -> new SplittableRandom().nextLong());
        this.notifiers = NotifierWiring.from(config);
        this.stores = StoreWiring.from(config, meters);
        LOG.info("Stores: {}; notifications: {}", stores.describe(),
                config.isDemo() ? "log and a demo channel that fails now and then (demo mode)" : notifiers.describe());
        OrderKpi.Builder builder = OrderKpi.builder()
                .workers(config.workers())
                .jobAttempts(config.jobAttempts())
                .shutdownGrace(config.shutdownGrace())
                .jobLease(config.claimIdle())
                .zone(config.zone())
                .currency(config.currency())
                .retention(config.retention())
                .historyRetention(config.historyRetention())
                .simulation(seed, config.stockFailureRate(), config.paymentFailureRate(), config.refundFailureRate())
                .meterRegistry(meters);
        if (config.isDemo()) {
            // The log channel plus a pretend channel that fails now and then: demo mode only.
            builder.notifier(new LogNotifier()).notifier(new DemoFlakyNotifier(seed));
        } else {
            notifiers.notifiers().forEach(builder::notifier);
        }
        stores.applyTo(builder);
        try {
            this.kpi = builder.build();
        } catch (RuntimeException e) {
            stores.close();
            notifiers.close();
            gcMetrics.close();
            throw e;
        }
        if (stores.kpisNeedRebuild()) {
            rebuildRetainedDays(kpi, config);
        }
        this.jobs = new BackgroundJobs(kpi.clock());
        ServerContext context = new ServerContext(kpi, config, meters, jobs, state, notifiers, stores.checks(kpi));
        this.router = new Router();
        routeGroups().forEach(group -> router.include(group.apply(context)));
        io.orderkpi.server.routes.OperationsRoutes.operations(kpi, config).forEach(router::include);
        try {
            this.api = ApiServer.start(config, router, meters);
        } catch (RuntimeException e) {
            jobs.close();
            kpi.close();
            stores.close();
            notifiers.close();
            gcMetrics.close();
            throw e;
        }
        LOG.info("OrderKPI listening on {} ({} workers, zone {}, auth {})", api.uri(), config.workers(),
                config.zone(), config.apiToken().isPresent() ? "on" : "off");
        if (config.isDemo()) {
            DemoData.load(kpi, config.demoOrders(), seed);
            this.trickle = new DemoTrickle(kpi, config.currency(), seed);
            trickle.start(DemoTrickle.START_DELAY_MILLIS);
        } else {
            this.trickle = null;
        }
    }

    /**
     * With durable records and in-memory KPIs, a restart would show empty days: the retained days
     * (the retention period, at most the longest range a backfill takes) are rebuilt from the
     * records first (SPEC §8).
     */
    private static void rebuildRetainedDays(OrderKpi kpi, ServerConfig config) {
        LocalDate today = LocalDate.ofInstant(kpi.clock().instant(), config.zone());
        long days = config.retention().isZero() ? Analytics.MAX_RANGE_DAYS
                : Math.min(config.retention().toDays(), Analytics.MAX_RANGE_DAYS);
        LocalDate from = today.minusDays(Math.max(days, 1) - 1);
        int rebuilt = kpi.analytics().backfill(from, today, true);
        LOG.info("KPIs are kept in memory: rebuilt {} day(s) from {} to {} from the records", rebuilt, from, today);
    }

    /**
     * Builds the facade from {@code config} and starts serving.
     *
     * @throws ConfigException when the configuration cannot be served by this version (MySQL or
     *         Redis configured, a non-loopback bind without a token)
     * @throws java.io.UncheckedIOException when the port cannot be bound
     */
    public static OrderKpiServer start(ServerConfig config) {
        config.requireServable();
        return new OrderKpiServer(config);
    }

    public URI uri() {
        return api.uri();
    }

    /** The dashboard's address: the page served at {@code /}. */
    public URI dashboardUri() {
        return api.uri().resolve("/");
    }

    /** The bound port (the actual one when the configuration asked for 0). */
    public int port() {
        return api.port();
    }

    public OrderKpi kpi() {
        return kpi;
    }

    /** Every route this server answers, in registration order (for the OpenAPI coverage test). */
    public List<io.orderkpi.server.http.Route> routes() {
        return router.routes();
    }

    public ServerConfig config() {
        return config;
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closedLatch.await();
    }

    /**
     * Closes this server when the JVM is asked to stop (SIGTERM, Ctrl-C): HTTP stops, the workers
     * drain within the grace period, and the process exits with 0, since stopping on request is
     * a success.
     */
    public void closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean wasOpen = closeReportingOpen();
            if (wasOpen) {
                LOG.info("Stopped on signal");
                // Halting is the only way to choose the exit status from a shutdown hook.
                Runtime.getRuntime().halt(0);
            }
        }, "okpi-shutdown"));
    }

    /** Stops HTTP, then the facade (draining the workers within the grace period). Idempotent. */
    @Override
    public void close() {
        closeReportingOpen();
    }

    private static void awaitDrained(Thread drain) {
        try {
            drain.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean closeReportingOpen() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
        }
        LOG.info("Stopping: the workers take no new job and HTTP closes (grace {} s)",
                config.shutdownGrace().toSeconds());
        state.markStopping();
        // At once, beside the HTTP close (which waits for running requests): a worker that took a
        // job after the signal would be doing work nobody asked to finish.
        Thread drain = new Thread(() -> kpi.workers().shutdown(config.shutdownGrace()), "okpi-drain");
        drain.start();
        try {
            if (trickle != null) {
                trickle.close();
            }
            api.close();
            awaitDrained(drain);
            jobs.close();
            kpi.close();
            // After the facade: its workers may still be sending mail, or writing, during the grace period.
            stores.close();
            notifiers.close();
            gcMetrics.close();
            meters.close();
        } finally {
            closedLatch.countDown();
        }
        return true;
    }
}
