package io.orderkpi.bench.soak;

import io.orderkpi.core.importer.SampleOrders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Imports one generated file per tick with {@code process=true}: new orders of the last three days
 * (mostly pending, so each goes through the workflow), every file with its own seed so no order
 * number repeats.
 */
final class ImportTraffic implements Runnable {

    private final Api api;
    private final Path dir;
    private final int rowsPerFile;
    private final long firstSeed;
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong ordersSent = new AtomicLong();
    private final Set<String> importIds = ConcurrentHashMap.newKeySet();

    ImportTraffic(Api api, Path dir, int rowsPerFile, long firstSeed) {
        this.api = api;
        this.dir = dir;
        this.rowsPerFile = rowsPerFile;
        this.firstSeed = firstSeed;
    }

    @Override
    public void run() {
        long n = files.incrementAndGet();
        Path csv = dir.resolve("soak-" + n + ".csv");
        SampleOrders.write(csv, SampleOrders.Options.builder().count(rowsPerFile).seed(firstSeed + n).days(3)
                .now(Instant.now()).build());
        try {
            Api.Answer answer = api.postFile("POST /imports?process=true", "/api/v1/imports?process=true",
                    "text/csv", csv);
            if (answer.ok()) {
                importIds.add(answer.data().path("import_id").asText());
                ordersSent.addAndGet(rowsPerFile);
            }
        } finally {
            try {
                Files.deleteIfExists(csv);
            } catch (IOException e) {
                // Left in the soak's directory, which is deleted at the end.
            }
        }
    }

    /** Orders in the files the server accepted. */
    long ordersSent() {
        return ordersSent.get();
    }

    /** The ids of the imports the server accepted. */
    Set<String> importIds() {
        return Set.copyOf(importIds);
    }
}
