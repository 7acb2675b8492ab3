package io.orderkpi.core.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.imports.ImportChunk;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.memory.MemoryJobStore;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.spi.OrderRecords;
import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.core.worker.WorkerEngine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who reads an import's file: its owner while it lives, another node once it is gone. */
class ImportOwnershipTest {

    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final Duration OWNER_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final SettableClock clock = new SettableClock(ImportFixture.NOW);
    private final MemoryRecordStore store = new MemoryRecordStore(clock);
    private final MemoryJobStore jobs = new MemoryJobStore();
    private final WorkerEngine queue = WorkerEngine.builder(jobs)
            .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50))).build();
    private OrderImporter importer;

    @AfterEach
    void tearDown() {
        if (importer != null) {
            importer.close();
        }
        queue.shutdown(Duration.ofSeconds(5));
    }

    private OrderImporter startImporter(RecordStore records, String owner) {
        importer = OrderImporter.builder(records, queue).clock(clock).owner(owner).heartbeat(HEARTBEAT, OWNER_TIMEOUT)
                .chunkAttempts(3).spoolDirectory(dir.resolve("spool")).build();
        queue.start(Map.of(QueueNames.ORDERS_IMPORT, 2));
        return importer;
    }

    private Path write(String name, int rows) throws Exception {
        StringBuilder csv = new StringBuilder(OrderImporterTest.HEADER);
        for (int i = 1; i <= rows; i++) {
            csv.append(OrderImporterTest.row("N-" + i, "c" + i));
        }
        Path file = dir.resolve(name);
        Files.writeString(file, csv, StandardCharsets.UTF_8);
        return file;
    }

    /** An import another node started on {@code file}, owned by it with a heartbeat at {@code heartbeat}. */
    private ImportRun startedElsewhere(Path file, String node, Instant heartbeat) throws Exception {
        ImportRun run = ImportRun.queued("import-of-" + node, file.getFileName().toString(),
                SourceFile.sha256Of(file), false, false, 2, ImportFixture.NOW, file.toString());
        store.imports().create(run);
        return store.imports().claim(run.importId(), null, node, heartbeat).orElseThrow();
    }

    @Test
    void aLiveOwnersImportIsLeftAloneAndAGoneOwnersIsTakenOverAfterTheTimeout() throws Exception {
        Path file = write("orders.csv", 5);
        ImportRun theirs = startedElsewhere(file, "node-a", clock.instant());
        OrderImporter mine = startImporter(store, "node-b");

        clock.advance(OWNER_TIMEOUT);
        assertThat(mine.resumeUnfinished()).as("a heartbeat exactly at the timeout is still alive").isEmpty();
        assertThat(store.imports().get(theirs.importId()).orElseThrow().owner()).isEqualTo("node-a");

        clock.advance(Duration.ofMillis(1));
        assertThat(mine.resumeUnfinished()).extracting(ImportRun::importId).containsExactly(theirs.importId());
        ImportRun done = mine.awaitFinished(theirs.importId(), Duration.ofSeconds(30));

        assertThat(done).extracting(ImportRun::state, ImportRun::owner, ImportRun::counters)
                .containsExactly(ImportState.COMPLETED, "node-b", new ImportCounters(5, 5, 0, 0));
        assertThat(mine.resumeUnfinished()).isEmpty();
    }

    @Test
    void anImportWithoutOwnerIsTakenOverAtOnce() throws Exception {
        Path file = write("orders.csv", 3);
        ImportRun orphan = store.imports().create(ImportRun.queued("orphan", "orders.csv", SourceFile.sha256Of(file),
                false, false, 2, ImportFixture.NOW, file.toString()));
        OrderImporter mine = startImporter(store, "node-b");

        assertThat(mine.resumeUnfinished()).extracting(ImportRun::importId).containsExactly(orphan.importId());
        assertThat(mine.awaitFinished(orphan.importId(), Duration.ofSeconds(30)).counters().imported()).isEqualTo(3);
    }

    @Test
    void aFileThatChangedSinceTheImportStartedFailsTheTakeOverWithItsReason() throws Exception {
        Path file = write("orders.csv", 4);
        ImportRun theirs = startedElsewhere(file, "node-a", clock.instant());
        Files.writeString(file, OrderImporterTest.row("N-99", "c99"), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        OrderImporter mine = startImporter(store, "node-b");
        clock.advance(OWNER_TIMEOUT.plusSeconds(1));

        assertThat(mine.resumeUnfinished()).isEmpty();

        ImportRun failed = store.imports().get(theirs.importId()).orElseThrow();
        assertThat(failed.state()).isEqualTo(ImportState.FAILED);
        assertThat(failed.error()).contains("changed since the import started").contains(theirs.sha256());
        assertThat(store.orders().existingOrderNumbers(List.of("N-1", "N-99"))).isEmpty();
    }

    @Test
    void aMissingFileFailsTheTakeOverSayingTheFileIsGone() throws Exception {
        Path file = write("orders.csv", 2);
        ImportRun theirs = startedElsewhere(file, "node-a", clock.instant());
        Files.delete(file);
        OrderImporter mine = startImporter(store, "node-b");
        clock.advance(OWNER_TIMEOUT.plusSeconds(1));

        assertThat(mine.resumeUnfinished()).isEmpty();

        assertThat(store.imports().get(theirs.importId()).orElseThrow())
                .extracting(ImportRun::state, ImportRun::error)
                .containsExactly(ImportState.FAILED, "Import could not resume: its file " + file + " is gone");
    }

    @Test
    void aClosedImporterLetsGoOfItsImportsSoTheNextSweepTakesThemAtOnce() throws Exception {
        Path file = write("orders.csv", 4);
        ImportRun mine = store.imports().create(ImportRun.queued("mine", "orders.csv", SourceFile.sha256Of(file),
                false, false, 2, ImportFixture.NOW, file.toString()));
        WorkerEngine firstQueue = WorkerEngine.builder(new MemoryJobStore()).build();
        OrderImporter first = OrderImporter.builder(store, firstQueue).clock(clock).owner("node-a")
                .heartbeat(HEARTBEAT, OWNER_TIMEOUT).build();
        assertThat(first.resumeUnfinished()).hasSize(1);
        first.close();
        firstQueue.shutdown(Duration.ZERO);

        OrderImporter second = startImporter(store, "node-b");

        assertThat(second.resumeUnfinished()).extracting(ImportRun::importId).containsExactly(mine.importId());
        assertThat(second.awaitFinished(mine.importId(), Duration.ofSeconds(30)).counters())
                .isEqualTo(new ImportCounters(4, 4, 0, 0));
    }

    @Test
    void aChunkThatFailsItsLastAttemptFailsTheImportOnThatChunkWithoutSpinningAndItsRetryLetsItGoOn()
            throws Exception {
        AtomicBoolean chunkOneBroken = new AtomicBoolean(true);
        AtomicInteger insertChunkCalls = new AtomicInteger();
        RecordStore records = failingChunk(store, 1, chunkOneBroken, insertChunkCalls);
        OrderImporter importer = startImporter(records, "node-a");
        Path file = write("orders.csv", 8);

        String importId = importer.submit(file, ImportOptions.named("orders.csv").withChunkSize(2)).run().importId();

        await().atMost(Duration.ofSeconds(30)).until(() -> store.imports().get(importId).orElseThrow().state()
                == ImportState.FAILED);
        ImportRun failed = store.imports().get(importId).orElseThrow();
        assertThat(failed.chunksApplied()).isEqualTo(1);
        assertThat(failed.error()).startsWith("Chunk 1 (from line 4) failed: disk full")
                .endsWith("retry its job from the failed jobs to go on");
        List<FailedJob> failedJobs = jobs.failed(QueueNames.ORDERS_IMPORT, null, Long.MAX_VALUE, 10).items();
        assertThat(failedJobs).hasSize(1);

        int callsWhenFailed = insertChunkCalls.get();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> insertChunkCalls.get() == callsWhenFailed);

        chunkOneBroken.set(false);
        assertThat(jobs.retryFailed(failedJobs.get(0).id())).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> store.imports().get(importId).orElseThrow().state()
                == ImportState.COMPLETED);
        ImportRun done = store.imports().get(importId).orElseThrow();

        assertThat(done).extracting(ImportRun::state, ImportRun::error, ImportRun::counters)
                .containsExactly(ImportState.COMPLETED, null, new ImportCounters(8, 8, 0, 0));
        assertThat(store.orders().existingOrderNumbers(List.of("N-1", "N-2", "N-3", "N-4", "N-5", "N-6", "N-7",
                "N-8"))).hasSize(8);
    }

    /** {@code records} whose {@code insertChunk} of chunk {@code index} fails while {@code broken}. */
    private static RecordStore failingChunk(RecordStore records, long index, AtomicBoolean broken,
            AtomicInteger calls) {
        OrderRecords orders = delegating(OrderRecords.class, records.orders(), (method, args) -> {
            if (method.equals("insertChunk")) {
                calls.incrementAndGet();
                if (((ImportChunk) args[0]).index() == index && broken.get()) {
                    throw new StoreUnavailableException("disk full");
                }
            }
        });
        return delegating(RecordStore.class, records, (method, args) -> { }, "orders", orders);
    }

    private interface Interceptor {
        void before(String method, Object[] args);
    }

    private static <T> T delegating(Class<T> type, T target, Interceptor interceptor) {
        return delegating(type, target, interceptor, null, null);
    }

    private static <T> T delegating(Class<T> type, T target, Interceptor interceptor, String replaced,
            Object replacement) {
        AtomicReference<Object> swap = new AtomicReference<>(replacement);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals(replaced)) {
                return swap.get();
            }
            interceptor.before(method.getName(), args);
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    /** A clock the test moves by hand. */
    private static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
