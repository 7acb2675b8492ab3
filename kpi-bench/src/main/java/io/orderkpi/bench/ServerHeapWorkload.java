package io.orderkpi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.tools.attach.VirtualMachine;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.server.ServerConfig;
import io.orderkpi.server.cli.OrderKpiCli;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * P8: the heap a server needs to import a large file into MySQL against a file a tenth of its
 * size (1 M vs 100 k orders in {@code --full}; 50 k vs 5 k in {@code --quick}, the same ratio
 * of sizes). Each size runs in a child JVM started as an operator starts the server
 * ({@code orderkpi serve}, {@code -Xmx512m}) configured as a production server: MySQL records on
 * a fresh database, KPIs in Redis under a fresh prefix (KPIs in memory grow with the customers and
 * facts by design, as in-memory records do) and SPEC §8's default job store for that, Redis; it
 * gets the file uploaded over HTTP, as a user would. The figure is the child's peak live heap, read through its
 * own JMX (attached by process id): every half second (every twentieth of a second for the small
 * file, so that both peaks come from about as many readings) a full GC, then the heap used after
 * it, so garbage not yet collected does not count. The peak used heap before collection (garbage
 * included) is printed as a note. One run of each size in every mode: the big import is the
 * longest single step of the harness. The goal is ≤ 1.2 (flat) and a peak under 256 MiB.
 */
final class ServerHeapWorkload implements Workload {

    private static final int FULL_BIG = 1_000_000;
    private static final int QUICK_BIG = 50_000;
    private static final int SIZE_RATIO = 10;
    private static final String MAX_HEAP = "-Xmx512m";
    private static final Duration START_BOUND = Duration.ofMinutes(1);
    private static final Duration IMPORT_BOUND = Duration.ofMinutes(10);
    /**
     * Between two readings of the big import. The small one is read {@link #SIZE_RATIO} times as
     * often, so that both peaks come from about as many readings: the highest of 160 readings of a
     * heap that holds a chunk or two in flight at random moments is higher than the highest of 16
     * by chance alone, which made the ratio say "grows" (1.24) where the heap does not.
     */
    private static final long SAMPLE_MILLIS = 500;
    private static final Pattern LISTENING = Pattern.compile("OrderKPI listening on (http://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double MIB = 1024.0 * 1024.0;

    private final Path workDir;

    ServerHeapWorkload(Path workDir) {
        this.workDir = workDir;
    }

    @Override
    public String id() {
        return "P8";
    }

    @Override
    public String title() {
        return "server heap, 1 M vs 100 k orders";
    }

    @Override
    public String unit() {
        return "MiB";
    }

    @Override
    public Goal goal() {
        return new Goal(1.2, "≤ 1.2, < 256 MiB");
    }

    @Override
    public Outcome run(Mode mode) throws Exception {
        int big = switch (mode) {
            case SMOKE -> 500;
            case QUICK -> QUICK_BIG;
            case FULL -> FULL_BIG;
        };
        int small = big / SIZE_RATIO;
        Heap smallHeap = importInChild(small, SAMPLE_MILLIS / SIZE_RATIO);
        Heap bigHeap = importInChild(big, SAMPLE_MILLIS);
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("orders", big + " vs " + small);
        notes.put("peak_live_mib", mib(bigHeap.peakLive()) + " vs " + mib(smallHeap.peakLive()));
        notes.put("peak_used_mib", mib(bigHeap.peakUsed()) + " vs " + mib(smallHeap.peakUsed()));
        notes.put("import_seconds", seconds(bigHeap.importTime()) + " vs " + seconds(smallHeap.importTime()));
        notes.put("samples", bigHeap.samples() + " vs " + smallHeap.samples());
        notes.put("child_jvm", MAX_HEAP + ", JMX full-GC sampling every " + SAMPLE_MILLIS + " ms (big), "
                + SAMPLE_MILLIS / SIZE_RATIO + " ms (small)");
        notes.put("ratio_is", "peak live heap of the big import / of the small one (lower is better)");
        return new Outcome.Measured(List.of(bigHeap.peakLive() / MIB), List.of(smallHeap.peakLive() / MIB), notes);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / MIB);
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
    }

    /** What the child's JMX showed during one import. */
    private record Heap(long peakLive, long peakUsed, int samples, Duration importTime) {
    }

    private Heap importInChild(int orders, long sampleMillis) throws Exception {
        Path csv = workDir.resolve("p8-" + orders + ".csv");
        Path dir = Files.createDirectories(workDir.resolve("p8-" + orders));
        SampleOrders.write(csv, SampleOrders.Options.builder().count(orders).seed(8).days(30)
                .now(Instant.parse("2025-11-16T12:00:00Z")).build());
        String prefix = Backends.newRedisPrefix();
        RedisClient redis = Backends.redisClient();
        try (StatefulRedisConnection<String, String> keys = redis.connect();
                Backends.MySqlDatabase database = Backends.newDatabase(); Child child = Child.start(dir, Map.of(
                ServerConfig.MYSQL_URL, database.url(), ServerConfig.REDIS_URL, Backends.redisUrl(),
                ServerConfig.REDIS_PREFIX, prefix, ServerConfig.MAX_UPLOAD_BYTES,
                Long.toString(Files.size(csv) * 2 + 1_000_000), ServerConfig.SHUTDOWN_GRACE_SECONDS, "1"))) {
            URI base = child.awaitListening();
            try (HeapSampler sampler = HeapSampler.attach(child.process.pid(), sampleMillis)) {
                long start = System.nanoTime();
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10)).build();
                HttpResponse<String> upload = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/imports"))
                        .header("Content-Type", "text/csv").timeout(IMPORT_BOUND)
                        .POST(HttpRequest.BodyPublishers.ofFile(csv)).build(), HttpResponse.BodyHandlers.ofString());
                if (upload.statusCode() / 100 != 2) {
                    throw new IllegalStateException("the upload was answered " + upload.statusCode() + ": "
                            + upload.body());
                }
                String importId = JSON.readTree(upload.body()).get("data").get("import_id").asText();
                JsonNode run = awaitFinished(http, base, importId, child);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                if (!"completed".equals(run.get("state").asText()) || run.get("imported").asLong() != orders) {
                    throw new IllegalStateException("the child's import ended " + run);
                }
                return sampler.finish(took);
            } finally {
                // Stopped before its keys go, so it writes none after.
                child.close();
                Backends.deleteKeys(keys.sync(), prefix);
            }
        } finally {
            redis.shutdown();
            Files.deleteIfExists(csv);
        }
    }

    private static JsonNode awaitFinished(HttpClient http, URI base, String importId, Child child) throws Exception {
        long deadline = System.nanoTime() + IMPORT_BOUND.toNanos();
        while (System.nanoTime() - deadline < 0) {
            child.assertAlive();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/imports/" + importId))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode data = JSON.readTree(answer.body()).get("data");
            String state = data.get("state").asText();
            if (!"queued".equals(state) && !"running".equals(state)) {
                return data;
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new IllegalStateException("the child's import " + importId + " did not finish within "
                + IMPORT_BOUND.toMinutes() + " minutes");
    }

    /**
     * The child's heap through its own platform MBeans: a full GC and a reading every half
     * second, on a thread of its own, for as long as it is open.
     */
    private static final class HeapSampler implements AutoCloseable {
        private final VirtualMachine vm;
        private final JMXConnector connector;
        private final MemoryMXBean memory;
        private final List<MemoryPoolMXBean> heapPools = new ArrayList<>();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bench-heap-sampler");
            thread.setDaemon(true);
            return thread;
        });
        private final AtomicLong peakLive = new AtomicLong();
        private final AtomicLong samples = new AtomicLong();
        private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

        private HeapSampler(VirtualMachine vm, JMXConnector connector, long sampleMillis) throws IOException {
            this.vm = vm;
            this.connector = connector;
            MBeanServerConnection server = connector.getMBeanServerConnection();
            this.memory = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME,
                    MemoryMXBean.class);
            for (MemoryPoolMXBean pool : ManagementFactory.getPlatformMXBeans(server, MemoryPoolMXBean.class)) {
                if (pool.getType() == MemoryType.HEAP) {
                    heapPools.add(pool);
                }
            }
            heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
            timer.scheduleWithFixedDelay(this::sample, 0, sampleMillis, TimeUnit.MILLISECONDS);
        }

        static HeapSampler attach(long pid, long sampleMillis) throws Exception {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
                return new HeapSampler(vm, connector, sampleMillis);
            } catch (Exception e) {
                vm.detach();
                throw e;
            }
        }

        private void sample() {
            try {
                memory.gc();
                peakLive.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                samples.incrementAndGet();
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }

        Heap finish(Duration importTime) throws InterruptedException {
            timer.shutdown();
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the heap sampler did not stop within 30 s");
            }
            if (failure.get() != null) {
                throw new IllegalStateException("reading the child's heap failed: " + failure.get(), failure.get());
            }
            sample();
            long peakUsed = heapPools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
            return new Heap(peakLive.get(), peakUsed, (int) samples.get(), importTime);
        }

        @Override
        public void close() throws IOException {
            timer.shutdownNow();
            try {
                connector.close();
            } finally {
                vm.detach();
            }
        }
    }

    /** {@code orderkpi serve} in a child JVM on this JVM's class path, its output in files. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final Path stdout;
        private final Path stderr;

        private Child(Process process, Path stdout, Path stderr) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        static Child start(Path dir, Map<String, String> env) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), MAX_HEAP, "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=" + dir,
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", absoluteClassPath(),
                    OrderKpiCli.class.getName(), "serve", "--port", "0"));
            Path out = dir.resolve("child.stdout");
            Path err = dir.resolve("child.stderr");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            // The parent's ORDERKPI_* settings would change the server measured.
            builder.environment().keySet().removeIf(key -> key.startsWith("ORDERKPI_")
                    || List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS").contains(key));
            builder.environment().putAll(env);
            return new Child(builder.start(), out, err);
        }

        /** This JVM's class path with every entry absolute: the child runs in a directory of its own. */
        private static String absoluteClassPath() {
            return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .map(entry -> Path.of(entry).toAbsolutePath().toString())
                    .collect(Collectors.joining(File.pathSeparator));
        }

        URI awaitListening() throws Exception {
            long deadline = System.nanoTime() + START_BOUND.toNanos();
            while (System.nanoTime() - deadline < 0) {
                Matcher matcher = LISTENING.matcher(Files.readString(stdout, StandardCharsets.UTF_8));
                if (matcher.find()) {
                    return URI.create(matcher.group(1));
                }
                assertAlive();
                TimeUnit.MILLISECONDS.sleep(100);
            }
            throw new IllegalStateException("the child server did not listen within " + START_BOUND.toSeconds()
                    + " s: " + log());
        }

        void assertAlive() throws IOException {
            if (!process.isAlive()) {
                throw new IllegalStateException("the child server exited with " + process.exitValue() + ": " + log());
            }
        }

        private String log() throws IOException {
            String err = Files.readString(stderr, StandardCharsets.UTF_8);
            return err.length() > 2_000 ? err.substring(err.length() - 2_000) : err;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
