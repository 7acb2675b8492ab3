package io.orderkpi.bench;

import io.orderkpi.bench.soak.Soak;
import io.orderkpi.bench.soak.SoakOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The benchmark harness (BENCHMARKS.md): {@code java -jar kpi-bench.jar --quick|--full
 * [--only P1,P6] [--out FILE]}, or {@code --soak [MINUTES]} for the soak
 * ({@link Soak}). Prints {@code workload | ours | limit | ratio | goal | spread}
 * and writes the results as JSON (default {@code kpi-bench/results/latest.json}).
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) {
        // The bare server of P6 gets its best setting; ours is measured under the same one.
        System.setProperty("sun.net.httpserver.nodelay", System.getProperty("sun.net.httpserver.nodelay", "true"));
        // A log line per processed order would measure the console, not the code.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        if (args.length > 0 && args[0].equals("--soak")) {
            soak(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        try {
            Options options = Options.parse(args);
            run(options, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("kpi-bench: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
        } catch (IOException e) {
            System.err.println("kpi-bench: " + e.getMessage());
            System.exit(1);
        }
    }

    /** {@code --soak [MINUTES] ...}: not a ratio but a verdict, with its own options and exit status. */
    private static void soak(String[] args) {
        try {
            System.exit(Soak.main(args, System.out));
        } catch (IllegalArgumentException e) {
            System.err.println("kpi-bench: " + e.getMessage());
            System.err.println(SoakOptions.USAGE);
            System.exit(2);
        }
    }

    /** Runs the chosen workloads, printing each row as it finishes; returns the report written. */
    static Report run(Options options, PrintStream out) throws IOException {
        Path workDir = Files.createTempDirectory("kpi-bench");
        try {
            Report report = new Report(options.mode(), Instant.now());
            out.println("kpi-bench " + options.mode().wireName() + " on " + Report.machine());
            Report.printHeader(out);
            for (Workload workload : workloads(workDir)) {
                if (!options.only().isEmpty() && !options.only().contains(workload.id())) {
                    continue;
                }
                Outcome outcome;
                try {
                    outcome = workload.run(options.mode());
                } catch (Exception e) {
                    outcome = new Outcome.NotRun("failed: " + e);
                }
                report.add(workload, outcome);
                Report.printRow(out, report.rows().get(report.rows().size() - 1));
            }
            report.writeJson(options.out());
            out.println("Results written to " + options.out());
            return report;
        } finally {
            deleteTree(workDir);
        }
    }

    /** Every workload of BENCHMARKS.md, in table order. */
    static List<Workload> workloads(Path workDir) {
        String mysql = "needs the MySQL adapter (kpi-mysql, issue 9), not built yet";
        String redis = "needs the Redis adapter (kpi-redis, issue 10), not built yet";
        return List.of(
                new CsvParseWorkload(workDir),
                new NotYetWorkload("P2", "import into MySQL", "rows/s", Workload.Goal.atLeast(0.5), mysql),
                new NotYetWorkload("P3", "KPI facts into Redis", "facts/s", Workload.Goal.atLeast(0.8), redis),
                new MemoryKpiFactsWorkload(),
                new MemoryWorkflowWorkload(),
                new HttpDailyWorkload(workDir),
                new NotYetWorkload("P7", "range report 30 d × 10k customers", "reports/s",
                        Workload.Goal.atLeast(0.5), redis),
                new NotYetWorkload("P8", "server heap, 1 M vs 100 k orders", "ratio", new Workload.Goal(1.2, "≤ 1.2"),
                        mysql),
                new NotYetWorkload("P9", "jobs, Redis Streams, 2 workers", "jobs/s", Workload.Goal.atLeast(0.5), redis),
                new NotYetWorkload("P10", "no-op jobs vs db-scheduler", "jobs/s", new Workload.Goal(1, "Redis ≥ 2, MySQL ≥ 1"),
                        mysql + "; " + redis));
    }

    /** Deletes {@code dir} and everything in it; a failure is printed, never thrown. */
    public static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("kpi-bench: could not delete " + dir + ": " + e.getMessage());
        }
    }

    /** The command line, parsed. */
    record Options(Mode mode, Set<String> only, Path out) {

        static final String USAGE = "usage: java -jar kpi-bench.jar --quick|--full [--only P1,P6] [--out FILE]"
                + " | --soak [MINUTES]";

        static Options parse(String... args) {
            Mode mode = null;
            Set<String> only = new LinkedHashSet<>();
            Path out = Files.isDirectory(Path.of("kpi-bench")) ? Path.of("kpi-bench", "results", "latest.json")
                    : Path.of("results", "latest.json");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick", "--full", "--smoke" -> {
                        if (mode != null) {
                            throw new IllegalArgumentException("choose one of --quick and --full");
                        }
                        mode = Mode.valueOf(args[i].substring(2).toUpperCase(Locale.ROOT));
                    }
                    case "--only" -> only.addAll(Arrays.stream(value(args, ++i, "--only").split(","))
                            .map(id -> id.strip().toUpperCase(Locale.ROOT)).collect(Collectors.toList()));
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (mode == null) {
                throw new IllegalArgumentException("choose --quick (under 3 minutes) or --full (under 15)");
            }
            Set<String> known = workloads(Path.of(".")).stream().map(Workload::id).collect(Collectors.toSet());
            for (String id : only) {
                if (!known.contains(id)) {
                    throw new IllegalArgumentException("--only: no workload " + id + " (known: P1 … P10)");
                }
            }
            return new Options(mode, Set.copyOf(only), out);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }
    }
}
