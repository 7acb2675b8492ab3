package io.orderkpi.core.importer;

import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.memory.MemoryJobStore;
import io.orderkpi.core.worker.WorkerEngine;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.spi.OrderQuery;
import io.orderkpi.core.spi.Page;
import io.orderkpi.core.spi.RecordStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A record store, a running queue and an importer on them, all in memory. */
final class ImportFixture implements AutoCloseable {

    static final Instant NOW = Instant.parse("2025-11-16T12:00:00Z");

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final RecordStore records;
    final WorkerEngine queue;
    final OrderImporter importer;
    private final Path directory;

    ImportFixture(Path directory) {
        this(directory, new MemoryRecordStore(Clock.fixed(NOW, ZoneOffset.UTC)), 1);
    }

    ImportFixture(Path directory, RecordStore records, int importWorkers) {
        this.directory = directory;
        this.records = records;
        // The queue keeps real time: its delays (retries, out-of-order chunks) must elapse.
        this.queue = WorkerEngine.builder(new MemoryJobStore())
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(100)))
                .build();
        this.importer = OrderImporter.builder(records, queue).clock(clock)
                .spoolDirectory(directory.resolve("spool")).build();
        queue.start(Map.of(QueueNames.ORDERS_IMPORT, importWorkers));
    }

    Path write(String name, String csv) throws java.io.IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, csv, StandardCharsets.UTF_8);
        return file;
    }

    ImportRun importAndWait(Path file, ImportOptions options) {
        ImportSubmission submission = importer.submit(file, options);
        return importer.awaitFinished(submission.run().importId(), Duration.ofSeconds(60));
    }

    /** Every stored order, oldest first. */
    List<Order> allOrders() {
        List<Order> all = new ArrayList<>();
        OrderQuery query = OrderQuery.firstPage(500);
        while (true) {
            Page<Order> page = records.orders().list(query);
            all.addAll(page.items());
            if (page.nextKey().isEmpty()) {
                break;
            }
            query = query.before(page.nextKey().getAsLong());
        }
        java.util.Collections.reverse(all);
        return all;
    }

    List<String> storedNumbers() {
        return allOrders().stream().map(Order::orderNumber).toList();
    }

    @Override
    public void close() {
        importer.close();
        queue.shutdown(Duration.ofSeconds(5));
        records.close();
    }
}
