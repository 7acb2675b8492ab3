package io.orderkpi.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a soak saw and its verdicts. Every check is evaluated in every run; the soak passes when
 * all of them hold.
 *
 * @param checks the verdicts, in the order printed
 * @param lines  the figures behind them, as printed
 */
public record SoakReport(List<Check> checks, List<String> lines) {

    /** Heap after GC may end this much above where it began, as a ratio or in bytes, and still be flat. */
    static final double HEAP_RATIO = 1.2;
    static final long HEAP_SLACK_BYTES = 8L << 20;
    /**
     * Threads may end this many above the first window's highest count: the HTTP server runs one
     * thread per open connection, and a client's idle connections close on their own schedule.
     */
    static final int THREAD_SLACK = 4;

    public static final String NO_HTTP_ERRORS = "no HTTP errors";
    public static final String TRAFFIC = "traffic ran";
    public static final String REPEATED_REFUNDS = "repeated refund_ids answered with the first refund";
    public static final String DRAINED = "queues drained";
    public static final String VERIFY = "analytics verify: 0 differences";
    public static final String HEAP = "heap after GC flat";
    public static final String THREADS = "threads flat";
    public static final String CONNECTIONS = "database connections flat";
    public static final String REDIS_KEYS = "no growing Redis keys without TTL";
    public static final List<String> ALL = List.of(NO_HTTP_ERRORS, TRAFFIC, REPEATED_REFUNDS, DRAINED, VERIFY, HEAP,
            THREADS, CONNECTIONS, REDIS_KEYS);

    public boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    public Check check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no check named " + name));
    }

    void print(PrintStream out) {
        lines.forEach(out::println);
        for (Check check : checks) {
            out.printf(Locale.ROOT, "%-4s %s: %s%n", check.passed() ? "ok" : "FAIL", check.name(), check.detail());
        }
        out.println(passed() ? "Soak passed." : "Soak FAILED: " + checks.stream().filter(c -> !c.passed())
                .map(Check::name).collect(Collectors.joining(", ")));
    }

    /** Collects the soak's figures as they come, then judges them. */
    static final class Builder {
        private final SoakOptions options;
        private Map<String, SoakRedis.KeyGroup> redisBaseline = Map.of();
        private Map<String, SoakRedis.KeyGroup> redisAtEnd = Map.of();
        private Duration drained;
        private JsonNode differences;
        private Map<String, Map<Integer, Long>> answers = Map.of();
        private Map<String, String> firstErrors = Map.of();
        private long ordersSent;
        private int imports;
        private long refunds;
        private long repeats;
        private long repeatsAnsweredFirst;
        private long trafficFailures;
        private String firstTrafficFailure;
        private List<Sample> samples = List.of();
        private long processed;
        private int serverExit;

        Builder(SoakOptions options) {
            this.options = options;
        }

        void redisBaseline(Map<String, SoakRedis.KeyGroup> keys) {
            redisBaseline = keys;
        }

        void redisAtEnd(Map<String, SoakRedis.KeyGroup> keys) {
            redisAtEnd = keys;
        }

        void drained(Duration took) {
            drained = took;
        }

        void verify(JsonNode found) {
            differences = found;
        }

        void traffic(Map<String, Map<Integer, Long>> byStatus, Map<String, String> errors, long sent, int files,
                long refundRequests, long refundRepeats, long repeatsFirst, long failures, String firstFailure) {
            answers = byStatus;
            firstErrors = errors;
            ordersSent = sent;
            imports = files;
            refunds = refundRequests;
            repeats = refundRepeats;
            repeatsAnsweredFirst = repeatsFirst;
            trafficFailures = failures;
            firstTrafficFailure = firstFailure;
        }

        void samples(List<Sample> taken) {
            samples = taken;
        }

        void processed(long orders) {
            processed = orders;
        }

        void serverExit(int status) {
            serverExit = status;
        }

        SoakReport build() {
            List<String> lines = new ArrayList<>();
            List<Check> checks = new ArrayList<>();
            checks.add(httpErrors(lines));
            long reads = answers.entrySet().stream().filter(e -> e.getKey().startsWith("GET /analytics/")
                    && !e.getKey().equals("GET /analytics/verify")).flatMap(e -> e.getValue().values().stream())
                    .mapToLong(Long::longValue).sum();
            double seconds = options.duration().toMillis() / 1000.0;
            lines.add(String.format(Locale.ROOT, "Traffic: %d files (%d orders, %.1f/s), %d processed by the workflow,"
                    + " %d refund requests (%.1f/s), %d report reads (%.1f/s)", imports, ordersSent,
                    ordersSent / seconds, processed, refunds, refunds / seconds, reads, reads / seconds));
            checks.add(new Check(TRAFFIC, imports > 0 && processed > 0 && refunds > 0 && reads > 0
                    && trafficFailures == 0, String.format(Locale.ROOT, "%d files, %d orders processed, %d refund"
                    + " requests, %d reads; %d traffic failures%s", imports, processed, refunds, reads,
                    trafficFailures, firstTrafficFailure == null ? "" : " (first: " + firstTrafficFailure + ")")));
            checks.add(new Check(REPEATED_REFUNDS, repeats > 0 && repeatsAnsweredFirst == repeats,
                    repeatsAnsweredFirst + " of " + repeats + " repeats answered 200 with the first refund"));
            checks.add(new Check(DRAINED, drained != null, drained == null ? "still busy after "
                    + Durations.text(options.drainBound()) : "idle " + drained.toSeconds() + " s after the traffic"));
            checks.add(new Check(VERIFY, differences != null && differences.isArray() && differences.isEmpty(),
                    differences == null || !differences.isArray() ? "no answer"
                            : differences.size() + " differences" + (differences.isEmpty() ? "" : ": " + differences)));
            samples(lines, checks);
            checks.add(redisKeys(lines));
            lines.add("Server stopped by SIGTERM with exit status " + serverExit
                    + (serverExit == -1 ? " (killed after 30 s)" : ""));
            return new SoakReport(List.copyOf(checks), List.copyOf(lines));
        }

        private Check httpErrors(List<String> lines) {
            lines.add("HTTP answers by request and status:");
            long requests = 0;
            List<String> errors = new ArrayList<>();
            for (Map.Entry<String, Map<Integer, Long>> entry : answers.entrySet()) {
                String statuses = entry.getValue().entrySet().stream()
                        .map(e -> (e.getKey() == Api.NO_ANSWER ? "no answer" : e.getKey()) + " × " + e.getValue())
                        .collect(Collectors.joining(", "));
                lines.add(String.format(Locale.ROOT, "  %-45s %s", entry.getKey(), statuses));
                for (Map.Entry<Integer, Long> status : entry.getValue().entrySet()) {
                    requests += status.getValue();
                    if (status.getKey() < 200 || status.getKey() >= 300) {
                        errors.add(entry.getKey() + " " + status.getKey() + " × " + status.getValue());
                    }
                }
            }
            firstErrors.forEach((what, body) -> lines.add("  first " + what + ": " + body));
            return new Check(NO_HTTP_ERRORS, errors.isEmpty() && requests > 0, errors.isEmpty()
                    ? requests + " requests, all 2xx" : requests + " requests; errors: " + String.join("; ", errors));
        }

        private void samples(List<String> lines, List<Check> checks) {
            Windows windows = Windows.of(samples, options.duration());
            lines.add("Samples: " + samples.size() + " (heap after a forced full GC, live threads, connections to the"
                    + " database), windows of " + Durations.text(windows.length()));
            for (Sample sample : samples) {
                lines.add(String.format(Locale.ROOT, "  %6d s  heap %10s  threads %4d  db connections %3d",
                        sample.at().toSeconds(), Durations.mib(sample.heapAfterGc()), sample.threads(),
                        sample.dbConnections()));
            }
            if (!windows.complete()) {
                String why = "no samples in the first or the last window";
                checks.add(new Check(HEAP, false, why));
                checks.add(new Check(THREADS, false, why));
                checks.add(new Check(CONNECTIONS, false, why));
                return;
            }
            long firstHeap = Windows.median(windows.first(), Sample::heapAfterGc);
            long lastHeap = Windows.median(windows.last(), Sample::heapAfterGc);
            double ratio = (double) lastHeap / firstHeap;
            checks.add(new Check(HEAP, ratio <= HEAP_RATIO || lastHeap - firstHeap <= HEAP_SLACK_BYTES,
                    String.format(Locale.ROOT, "median first window %s, last window %s, ratio %.2f (flat: ≤ %.1f or"
                            + " ≤ %s more)", Durations.mib(firstHeap), Durations.mib(lastHeap), ratio, HEAP_RATIO,
                            Durations.mib(HEAP_SLACK_BYTES))));
            long firstThreads = Windows.max(windows.first(), Sample::threads);
            long lastThreads = Windows.max(windows.last(), Sample::threads);
            checks.add(new Check(THREADS, lastThreads <= firstThreads + THREAD_SLACK, String.format(Locale.ROOT,
                    "highest first window %d, last window %d (flat: at most %d more)", firstThreads, lastThreads,
                    THREAD_SLACK)));
            long firstConnections = Windows.max(windows.first(), Sample::dbConnections);
            long lastConnections = Windows.max(windows.last(), Sample::dbConnections);
            checks.add(new Check(CONNECTIONS, lastConnections <= firstConnections, String.format(Locale.ROOT,
                    "highest first window %d, last window %d", firstConnections, lastConnections)));
        }

        /**
         * A key of a fixed name exists at most once, so only keys whose names carry an id, a number
         * or a date can grow: those must be no more at the end than after the first window.
         */
        private Check redisKeys(List<String> lines) {
            lines.add("Redis keys without TTL by shape (after the first window → after draining):");
            List<String> growing = new ArrayList<>();
            for (String shape : union()) {
                SoakRedis.KeyGroup before = redisBaseline.getOrDefault(shape, new SoakRedis.KeyGroup(0, 0));
                SoakRedis.KeyGroup after = redisAtEnd.getOrDefault(shape, new SoakRedis.KeyGroup(0, 0));
                lines.add(String.format(Locale.ROOT, "  %-45s %5d → %5d keys  %10s → %10s", shape, before.keys(),
                        after.keys(), Durations.size(before.bytes()), Durations.size(after.bytes())));
                if (shape.contains("<") && after.keys() > before.keys()) {
                    growing.add(shape + " " + before.keys() + " → " + after.keys());
                }
            }
            return new Check(REDIS_KEYS, growing.isEmpty(), growing.isEmpty() ? redisAtEnd.values().stream()
                    .mapToLong(SoakRedis.KeyGroup::keys).sum() + " keys without TTL at the end, none of a growing shape"
                    : "growing: " + String.join("; ", growing));
        }

        private TreeSet<String> union() {
            TreeSet<String> shapes = new TreeSet<>(redisBaseline.keySet());
            shapes.addAll(redisAtEnd.keySet());
            return shapes;
        }
    }
}
