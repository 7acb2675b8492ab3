package io.orderkpi.core.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.memory.MemoryJobStore;
import io.orderkpi.core.worker.WorkerEngine;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.queue.QueueNames;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportResumeTest {

    static final int ROWS = 100_000;
    static final int CHUNK = 1_000;

    @TempDir
    Path dir;

    final Clock clock = Clock.fixed(ImportFixture.NOW, ZoneOffset.UTC);

    @Test
    void importsEveryValidRowExactlyOnceAfterACrashMidImport() throws Exception {
        Path file = dir.resolve("big.csv");
        SampleOrders.write(file, SampleOrders.Options.builder().count(ROWS).seed(7).days(7)
                .now(ImportFixture.NOW).build());
        MemoryRecordStore records = new MemoryRecordStore(clock);

        // First life: import until a good part of the file is stored, then "crash": the queue
        // drops its pending jobs and the importer its parser thread.
        WorkerEngine firstQueue = WorkerEngine.builder(new MemoryJobStore()).build();
        OrderImporter firstImporter = OrderImporter.builder(records, firstQueue).clock(clock).build();
        firstQueue.start(Map.of(QueueNames.ORDERS_IMPORT, 2));
        String importId = firstImporter.submit(file, ImportOptions.named("big.csv").withChunkSize(CHUNK))
                .run().importId();
        await().atMost(Duration.ofMinutes(1)).until(
                () -> records.imports().get(importId).orElseThrow().chunksApplied() >= 20);
        firstQueue.shutdown(Duration.ZERO);
        firstImporter.close();

        ImportRun crashed = records.imports().get(importId).orElseThrow();
        assertThat(crashed.state()).isEqualTo(ImportState.RUNNING);
        assertThat(crashed.chunksApplied()).isBetween(20L, (long) ROWS / CHUNK - 1);
        assertThat(storedNumbers(records)).hasSize((int) crashed.counters().imported());

        // Second life: a new queue and importer on the same records resume from stored progress.
        WorkerEngine secondQueue = WorkerEngine.builder(new MemoryJobStore()).build();
        try (OrderImporter secondImporter = OrderImporter.builder(records, secondQueue).clock(clock).build()) {
            secondQueue.start(Map.of(QueueNames.ORDERS_IMPORT, 2));

            assertThat(secondImporter.resumeUnfinished()).extracting(ImportRun::importId).containsExactly(importId);
            ImportRun done = secondImporter.awaitFinished(importId, Duration.ofMinutes(2));

            assertThat(done.state()).isEqualTo(ImportState.COMPLETED);
            assertThat(done.chunksApplied()).isEqualTo(ROWS / CHUNK);
            assertThat(done.counters()).isEqualTo(new ImportCounters(ROWS, ROWS, 0, 0));
        } finally {
            secondQueue.close();
        }

        List<String> numbers = storedNumbers(records);
        Set<String> stored = new HashSet<>(numbers);
        assertThat(numbers).hasSize(ROWS);
        assertThat(stored).hasSize(ROWS);
        try (var reader = CsvOrderReader.open(java.nio.file.Files.newInputStream(file),
                new ImportSettings("USD", ZoneOffset.UTC, ImportFixture.NOW))) {
            Set<String> inFile = new HashSet<>();
            while (reader.hasNext()) {
                if (reader.next() instanceof ParsedRow.Valid valid) {
                    inFile.add(valid.order().orderNumber());
                }
            }
            assertThat(stored).isEqualTo(inFile);
        }
    }

    private static List<String> storedNumbers(MemoryRecordStore records) {
        List<String> numbers = new java.util.ArrayList<>();
        var query = io.orderkpi.core.spi.OrderQuery.firstPage(500);
        while (true) {
            var page = records.orders().list(query);
            page.items().forEach(order -> numbers.add(order.orderNumber()));
            if (page.nextKey().isEmpty()) {
                return numbers;
            }
            query = query.before(page.nextKey().getAsLong());
        }
    }
}
