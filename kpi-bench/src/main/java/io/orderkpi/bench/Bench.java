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
                if (!selected(options.only(), workload)) {
                    continue;
                }
                Outcome outcome;
                try {
                    outcome = workload.run(options.mode());
                } catch (Backends.Unreachable e) {
                    outcome = new Outcome.NotRun(e.getMessage());
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
        return List.of(
                new CsvParseWorkload(workDir),
                new MySqlImportWorkload(workDir),
                new RedisKpiFactsWorkload(),
                new MemoryKpiFactsWorkload(),
                new WorkflowWorkload(WorkflowWorkload.Stores.MEMORY),
                new WorkflowWorkload(WorkflowWorkload.Stores.MYSQL_REDIS),
                new HttpDailyWorkload(workDir),
                new RedisRangeReportWorkload(),
                new ServerHeapWorkload(workDir),
                new RedisJobsWorkload(),
                new PeerJobsWorkload(PeerJobsWorkload.Store.MYSQL),
                new PeerJobsWorkload(PeerJobsWorkload.Store.REDIS));
    }

    /**
     * Whether {@code --only} picked the workload: by its id, or by the number it shares with
     * its variants ({@code P5} picks {@code P5} and {@code P5-db}).
     */
    static boolean selected(Set<String> only, Workload workload) {
        String id = workload.id().toUpperCase(Locale.ROOT);
        return only.isEmpty() || only.contains(id) || only.contains(id.replaceFirst("-.*", ""));
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
            List<Workload> known = workloads(Path.of("."));
            for (String id : only) {
                if (known.stream().noneMatch(workload -> selected(Set.of(id), workload))) {
                    throw new IllegalArgumentException("--only: no workload " + id
                            + " (known: P1 … P10, P5-db, P10-mysql, P10-redis)");
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
