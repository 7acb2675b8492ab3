package io.orderkpi.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results of one run: a table for people and {@code latest.json} for tools. */
final class Report {

    /** One workload and what it found. */
    record Row(Workload workload, Outcome outcome) {
    }

    private static final String FORMAT = "%-42s | %-22s | %-22s | %-6s | %-16s | %s%n";

    private final Mode mode;
    private final Instant startedAt;
    private final List<Row> rows = new ArrayList<>();

    Report(Mode mode, Instant startedAt) {
        this.mode = mode;
        this.startedAt = startedAt;
    }

    void add(Workload workload, Outcome outcome) {
        rows.add(new Row(workload, outcome));
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    static void printHeader(PrintStream out) {
        out.printf(Locale.ROOT, FORMAT, "workload", "ours", "limit", "ratio", "goal", "spread");
        out.println("-".repeat(132));
    }

    static void printRow(PrintStream out, Row row) {
        Workload w = row.workload();
        String name = w.id() + " " + w.title();
        if (row.outcome() instanceof Outcome.Measured m) {
            out.printf(Locale.ROOT, FORMAT, name, figure(m.ours(), w.unit()), figure(m.limit(), w.unit()),
                    ratio(m.ratio()), w.goal().text(), ratio(m.minRatio()) + "–" + ratio(m.maxRatio()) + " ("
                            + m.oursRuns().size() + " runs)");
            if (!m.notes().isEmpty()) {
                out.println("    " + new java.util.TreeMap<>(m.notes()));
            }
        } else if (row.outcome() instanceof Outcome.NotRun notRun) {
            out.printf(Locale.ROOT, "%-42s | not run: %s%n", name, notRun.why());
        }
    }

    private static String figure(double value, String unit) {
        // Slow workloads (a range report, a heap in MiB) need their decimals to be told apart.
        String format = value >= 100 ? "%,.0f %s" : value >= 10 ? "%.1f %s" : "%.2f %s";
        return String.format(Locale.ROOT, format, value, unit);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** Writes the results as JSON: one object per workload, each with the machine it ran on. */
    void writeJson(Path file) throws IOException {
        Map<String, Object> machine = machine();
        List<Map<String, Object>> workloads = new ArrayList<>();
        for (Row row : rows) {
            Workload w = row.workload();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", w.id());
            entry.put("title", w.title());
            entry.put("unit", w.unit());
            entry.put("goal", w.goal().atLeast());
            if (row.outcome() instanceof Outcome.Measured m) {
                entry.put("ours", m.ours());
                entry.put("limit", m.limit());
                entry.put("ratio", m.ratio());
                entry.put("min", m.minRatio());
                entry.put("max", m.maxRatio());
                entry.put("runs", m.oursRuns().size());
                entry.put("ours_runs", m.oursRuns());
                entry.put("limit_runs", m.limitRuns());
                entry.put("notes", m.notes());
            } else if (row.outcome() instanceof Outcome.NotRun notRun) {
                entry.put("not_run", notRun.why());
            }
            entry.put("machine", machine);
            workloads.add(entry);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("mode", mode.wireName());
        root.put("started_at", startedAt.toString());
        root.put("workloads", workloads);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }

    static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("processors", Runtime.getRuntime().availableProcessors());
        machine.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        machine.put("memory_bytes", totalMemory());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("jvm_arguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
        return machine;
    }

    private static long totalMemory() {
        Path meminfo = Path.of("/proc/meminfo");
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not readable: the figure is context only.
        }
        return -1;
    }
}
