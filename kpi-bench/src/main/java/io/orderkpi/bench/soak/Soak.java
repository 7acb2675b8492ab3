package io.orderkpi.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.bench.Bench;
import io.orderkpi.server.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak: a server in a child JVM on a fresh MySQL database and Redis key prefix, driven for
 * {@link SoakOptions#duration()} by imports, refunds and report reads at steady rates while its
 * heap after GC, threads and database connections are sampled; then the queues are left to drain
 * (bounded) and {@link SoakReport} judges the run. Everything it created is removed at the end.
 */
public final class Soak {

    /** Statuses an order leaves on its own; none may remain once the queues have drained. */
    private static final List<String> NOT_FINAL = List.of("pending", "reserving_stock", "stock_reserved",
            "processing_payment", "payment_succeeded", "payment_failed", "stock_reservation_failed");
    private static final Pattern OUTBOX_LAG = Pattern.compile("(?m)^orderkpi_outbox_lag_seconds\\{[^}]*} (\\S+)$");
    private static final Duration START_BOUND = Duration.ofMinutes(2);

    private final SoakOptions options;
    private final PrintStream out;
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong trafficFailures = new AtomicLong();
    private final AtomicReference<String> firstTrafficFailure = new AtomicReference<>();
    private volatile long trafficStart;

    private Soak(SoakOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** {@code kpi-bench --soak [MINUTES] ...}: the arguments after {@code --soak}; the exit status. */
    public static int main(String[] args, PrintStream out) {
        SoakOptions options = SoakOptions.parse(args);
        try {
            SoakReport report = run(options, out);
            return report.passed() ? 0 : 1;
        } catch (IOException | SQLException | RuntimeException e) {
            out.println("soak: could not run: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("soak: interrupted");
            return 1;
        }
    }

    /** Runs one soak and prints its progress and report to {@code out}. */
    public static SoakReport run(SoakOptions options, PrintStream out)
            throws IOException, SQLException, InterruptedException {
        return new Soak(options, out).run();
    }

    private SoakReport run() throws IOException, SQLException, InterruptedException {
        Path dir = Files.createTempDirectory("kpi-soak");
        try (SoakDatabase database = SoakDatabase.create(options.mysqlUrl());
                SoakRedis redis = SoakRedis.open(options.redisUrl())) {
            try {
                return withServer(dir, database, redis);
            } finally {
                long deleted = redis.deleteAll();
                out.println("Cleaned up: database " + database.name() + " dropped, " + deleted + " Redis keys under "
                        + redis.prefix() + " deleted");
            }
        } finally {
            Bench.deleteTree(dir);
        }
    }

    private SoakReport withServer(Path dir, SoakDatabase database, SoakRedis redis)
            throws IOException, SQLException, InterruptedException {
        Map<String, String> settings = Map.of(
                ServerConfig.MYSQL_URL, database.url(),
                ServerConfig.REDIS_URL, options.redisUrl(),
                ServerConfig.REDIS_PREFIX, redis.prefix(),
                ServerConfig.PORT, "0",
                ServerConfig.TIMEZONE, "UTC",
                ServerConfig.SIM_SEED, "12",
                ServerConfig.SHUTDOWN_GRACE_SECONDS, "10");
        out.println("kpi-bench soak: " + options.describe());
        out.println("MySQL database " + database.name() + ", Redis prefix " + redis.prefix() + ", server heap "
                + ServerProcess.HEAP + ", load average " + loadAverage());
        try (ServerProcess server = ServerProcess.start(dir, settings)) {
            URI base = server.awaitListening(START_BOUND);
            server.attach();
            Api api = new Api(base);
            SoakReport.Builder report = new SoakReport.Builder(options);
            ImportTraffic imports = new ImportTraffic(api, dir, options.rowsPerFile(), System.currentTimeMillis());
            RefundTraffic refunds = new RefundTraffic(api);
            ReadTraffic reads = new ReadTraffic(api);

            drive(server, database, redis, api, imports, refunds, reads, report);

            Duration drained = drain(api, imports.importIds());
            report.drained(drained);
            report.verify(verify(api));
            Map<String, SoakRedis.KeyGroup> endKeys = redis.keysWithoutTtl();
            report.redisAtEnd(endKeys);
            report.traffic(api.answers(), api.firstErrors(), imports.ordersSent(), imports.importIds().size(),
                    refunds.sent(), refunds.repeats(), refunds.repeatsAnsweredFirst(), trafficFailures.get(),
                    firstTrafficFailure.get());
            report.samples(List.copyOf(samples));
            report.processed(processed(api));
            int exit = server.stop(Duration.ofSeconds(30));
            report.serverExit(exit);
            SoakReport done = report.build();
            done.print(out);
            out.println("Load average at the end: " + loadAverage());
            if (!done.passed()) {
                out.println(server.log());
            }
            return done;
        }
    }

    /** The traffic and the sampling for the soak's duration, with a progress line now and then. */
    private void drive(ServerProcess server, SoakDatabase database, SoakRedis redis, Api api, ImportTraffic imports,
            RefundTraffic refunds, ReadTraffic reads, SoakReport.Builder report) throws InterruptedException {
        Duration window = Windows.length(options.duration());
        long sampleEvery = Math.max(500, window.toMillis() / 6);
        ScheduledExecutorService traffic = Executors.newScheduledThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "soak-traffic");
            thread.setDaemon(true);
            return thread;
        });
        trafficStart = System.nanoTime();
        try {
            // Each task runs at its own fixed rate; a late tick runs as soon as it can, never twice at once.
            traffic.scheduleAtFixedRate(guarded(imports), 0, Math.round(options.secondsPerFile() * 1000),
                    TimeUnit.MILLISECONDS);
            traffic.scheduleAtFixedRate(guarded(refunds), 0, Math.round(1000 / options.refundsPerSecond()),
                    TimeUnit.MILLISECONDS);
            traffic.scheduleAtFixedRate(guarded(reads), 0, Math.round(1000 / options.readsPerSecond()),
                    TimeUnit.MILLISECONDS);
            traffic.scheduleAtFixedRate(guarded(() -> sample(server, database)), 0, sampleEvery,
                    TimeUnit.MILLISECONDS);
            long end = trafficStart + options.duration().toNanos();
            long baselineAt = trafficStart + window.toNanos();
            long nextProgress = trafficStart + options.progressEvery().toNanos();
            boolean baselineTaken = false;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (!baselineTaken && now >= baselineAt) {
                    report.redisBaseline(redis.keysWithoutTtl());
                    baselineTaken = true;
                }
                if (now >= nextProgress) {
                    progress(api, imports, refunds);
                    nextProgress += options.progressEvery().toNanos();
                }
                if (!server.isAlive()) {
                    throw new IllegalStateException("the server died during the soak\n" + server.log());
                }
                long next = Math.min(end, Math.min(nextProgress, baselineTaken ? end : baselineAt));
                TimeUnit.NANOSECONDS.sleep(Math.max(1, Math.min(next - System.nanoTime(), 1_000_000_000L)));
            }
            if (!baselineTaken) {
                report.redisBaseline(redis.keysWithoutTtl());
            }
        } finally {
            traffic.shutdown();
            if (!traffic.awaitTermination(1, TimeUnit.MINUTES)) {
                traffic.shutdownNow();
            }
        }
    }

    /** A traffic task whose failure is counted and reported instead of silently ending its schedule. */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                trafficFailures.incrementAndGet();
                firstTrafficFailure.compareAndSet(null, e.toString());
            }
        };
    }

    private void sample(ServerProcess server, SoakDatabase database) {
        try {
            long heap = server.heapAfterGc();
            samples.add(new Sample(Duration.ofNanos(System.nanoTime() - trafficStart), heap, server.liveThreads(),
                    database.connections()));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the database's connections: " + e.getMessage(), e);
        }
    }

    private void progress(Api api, ImportTraffic imports, RefundTraffic refunds) {
        long minutes = Duration.ofNanos(System.nanoTime() - trafficStart).toSeconds();
        long errors = api.answers().values().stream().flatMap(byStatus -> byStatus.entrySet().stream())
                .filter(e -> e.getKey() < 200 || e.getKey() >= 300).mapToLong(Map.Entry::getValue).sum();
        long requests = api.answers().values().stream().flatMap(byStatus -> byStatus.values().stream())
                .mapToLong(Long::longValue).sum();
        Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        long[] queue = queueTotals(api);
        out.printf(Locale.ROOT, "[%s / %s] orders sent %d, processed %d, jobs waiting %d; refunds %d; requests %d,"
                + " errors %d; heap after GC %s, threads %d, db connections %d%n",
                Durations.text(Duration.ofSeconds(minutes)), Durations.text(options.duration()), imports.ordersSent(),
                queue[1], queue[0], refunds.sent(), requests, errors, last == null ? "-" : Durations.mib(last.heapAfterGc()),
                last == null ? 0 : last.threads(), last == null ? 0 : last.dbConnections());
    }

    /** Jobs pending or running in every queue, and order-processing jobs completed. */
    private static long[] queueTotals(Api api) {
        Api.Answer answer = api.get("GET /queues", "/api/v1/queues");
        long waiting = 0;
        long processed = 0;
        for (JsonNode queue : answer.data().path("queues")) {
            waiting += queue.path("pending").asLong() + queue.path("running").asLong();
            if (queue.path("name").asText().equals("order-processing")) {
                processed = queue.path("completed").asLong();
            }
        }
        return new long[] {waiting, processed};
    }

    private static long processed(Api api) {
        return queueTotals(api)[1];
    }

    /**
     * Waits until every accepted import is completed, no job waits or runs, no order or refund is
     * between two steps and the outbox has delivered everything, twice in a row a second apart;
     * the time it took, or {@code null} when the bound passed first.
     */
    private Duration drain(Api api, Set<String> importIds) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + options.drainBound().toNanos();
        Set<String> running = new HashSet<>(importIds);
        int idleInARow = 0;
        while (System.nanoTime() < deadline) {
            running.removeIf(id -> api.get("GET /imports/{id}", "/api/v1/imports/" + id).data().path("state")
                    .asText().equals("completed"));
            boolean idle = running.isEmpty() && queueTotals(api)[0] == 0 && nothingInFlight(api) && outboxDelivered(api);
            idleInARow = idle ? idleInARow + 1 : 0;
            if (idleInARow == 2) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(1_000);
        }
        return null;
    }

    private static boolean nothingInFlight(Api api) {
        for (String status : NOT_FINAL) {
            if (!api.get("GET /orders?status", "/api/v1/orders?limit=1&status=" + status).data().path("orders")
                    .isEmpty()) {
                return false;
            }
        }
        for (String status : List.of("pending", "processing")) {
            if (!api.get("GET /refunds?status", "/api/v1/refunds?limit=1&status=" + status).data().path("refunds")
                    .isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static boolean outboxDelivered(Api api) {
        try {
            Matcher lag = OUTBOX_LAG.matcher(api.text("/metrics"));
            boolean any = false;
            while (lag.find()) {
                any = true;
                if (Double.parseDouble(lag.group(1)) != 0) {
                    return false;
                }
            }
            return any;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code analytics verify} over every day the soak touched: the differences found. */
    private static JsonNode verify(Api api) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return api.get("GET /analytics/verify", "/api/v1/analytics/verify?start_date=" + today.minusDays(3)
                + "&end_date=" + today).data().path("differences");
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
