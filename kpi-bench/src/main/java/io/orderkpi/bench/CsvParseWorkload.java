package io.orderkpi.bench;

import io.orderkpi.core.importer.CsvOrderReader;
import io.orderkpi.core.importer.ImportSettings;
import io.orderkpi.core.importer.SampleOrders;
import java.io.BufferedReader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * P1: the importer's parse and validation of a generated file, against reading the same file
 * line by line and counting commas: the least any CSV reader must do.
 */
final class CsvParseWorkload implements Workload {

    private static final int FULL_ROWS = 1_000_000;
    private final Path workDir;

    CsvParseWorkload(Path workDir) {
        this.workDir = workDir;
    }

    @Override
    public String id() {
        return "P1";
    }

    @Override
    public String title() {
        return "CSV parse + validate";
    }

    @Override
    public String unit() {
        return "rows/s";
    }

    @Override
    public Goal goal() {
        return Goal.atLeast(0.5);
    }

    @Override
    public Outcome run(Mode mode) throws Exception {
        int rows = mode.size(FULL_ROWS, 2_000);
        Path file = workDir.resolve("p1-orders.csv");
        Instant now = Instant.parse("2025-11-16T12:00:00Z");
        SampleOrders.write(file, SampleOrders.Options.builder().count(rows).seed(1).days(30).now(now).build());
        ImportSettings settings = new ImportSettings("USD", ZoneOffset.UTC, now);
        try {
            return Pairs.measure(mode, () -> parse(file, settings), () -> bareLines(file),
                    Map.of("rows", Integer.toString(rows), "file_bytes", Long.toString(Files.size(file))));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static double parse(Path file, ImportSettings settings) throws Exception {
        long start = System.nanoTime();
        long rows = 0;
        try (InputStream in = Files.newInputStream(file); CsvOrderReader reader = CsvOrderReader.open(in, settings)) {
            while (reader.hasNext()) {
                reader.next();
                rows++;
            }
        }
        return Pairs.perSecond(rows, System.nanoTime() - start);
    }

    private static double bareLines(Path file) throws Exception {
        long start = System.nanoTime();
        long lines = 0;
        long commas = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine(); // the header, as the parser skips it
            while ((line = reader.readLine()) != null) {
                lines++;
                for (int i = 0; i < line.length(); i++) {
                    if (line.charAt(i) == ',') {
                        commas++;
                    }
                }
            }
        }
        if (commas == 0) {
            throw new IllegalStateException("no comma in " + file + ": not the file that was written");
        }
        return Pairs.perSecond(lines, System.nanoTime() - start);
    }
}
