package io.orderkpi.core.importer;

import io.orderkpi.core.imports.ChunkOutcome;
import io.orderkpi.core.imports.ImportChunk;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.lang.OrderKpiException;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.queue.Job;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueClosedException;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.queue.RetryLaterException;
import io.orderkpi.core.spi.ChunkOutOfOrderException;
import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.core.worker.WorkerEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports order CSV files (SPEC §3): streaming, one pass, chunked into queued jobs, resumable.
 *
 * <p>A submitted file is first read once end to end ({@link SourceFile}): that gives its SHA-256
 * identity and refuses empty or non-UTF-8 files before anything is stored; an uploaded stream is
 * spooled to disk on the way. A parser thread of this importer then reads the file with
 * {@link CsvOrderReader} and enqueues one {@value #CHUNK_JOB} job per chunk on
 * {@code orders-import}. Each job carries its validated rows ({@link ChunkCodec}), so it can run
 * on any node; the record store applies chunks in file order, each atomically with the import's
 * progress and idempotently by chunk index. The parser stays at most a few chunks ahead of the
 * applied ones, so memory does not grow with the file.
 *
 * <p>After a crash, {@link #resumeUnfinished()} re-reads each unfinished import's file, skips the
 * chunks the store has applied and enqueues the rest: no row is lost or applied twice.
 *
 * <p>Thread-safe. Construct it before the worker engine starts (it registers its job handler) and
 * close it before the engine.
 */
public final class OrderImporter implements AutoCloseable {

    /** Job type of a chunk job. */
    public static final String CHUNK_JOB = "import.chunk";

    private static final Logger LOG = LoggerFactory.getLogger(OrderImporter.class);
    private static final Duration OUT_OF_ORDER_RETRY = Duration.ofMillis(20);
    private static final Duration WAIT_BEHIND_FAILED_CHUNK = Duration.ofSeconds(2);
    private static final long WINDOW_POLL_MILLIS = 100;

    private final RecordStore records;
    private final WorkerEngine workers;
    private final Clock clock;
    private final String currency;
    private final ZoneId zone;
    private final Path spoolDirectory;
    private final int chunksAhead;
    private final String owner;
    private final Duration heartbeatInterval;
    private final Duration ownerTimeout;
    private final int chunkAttempts;
    /** Queues the stored orders of an import that asked for processing; null when nothing does. */
    private final @Nullable Consumer<List<Order>> processing;
    /** The unfinished runs this importer owns and heartbeats. */
    private final Set<String> owned = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeats;
    private final ExecutorService parsers;
    private final List<ImportListener> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock progressLock = new ReentrantLock();
    private final Condition progressed = progressLock.newCondition();
    private volatile boolean closed;

    private OrderImporter(Builder builder) {
        this.records = builder.records;
        this.workers = builder.workers;
        this.clock = builder.clock;
        this.currency = builder.currency;
        this.zone = builder.zone;
        this.spoolDirectory = builder.spoolDirectory;
        this.chunksAhead = builder.chunksAhead;
        this.owner = builder.owner;
        this.heartbeatInterval = builder.heartbeatInterval;
        this.ownerTimeout = builder.ownerTimeout;
        this.chunkAttempts = builder.chunkAttempts;
        this.processing = builder.processing;
        AtomicInteger threads = new AtomicInteger();
        this.parsers = Executors.newFixedThreadPool(builder.parserThreads, runnable -> {
            Thread thread = new Thread(runnable, "okpi-import-parser-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        workers.register(CHUNK_JOB, this::applyChunk);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "okpi-import-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long beat = heartbeatInterval.toMillis();
        heartbeats.scheduleWithFixedDelay(this::heartbeatLogged, beat, beat, TimeUnit.MILLISECONDS);
        // Another node's orphaned import is taken over without waiting for a restart.
        long sweep = ownerTimeout.toMillis();
        heartbeats.scheduleWithFixedDelay(this::resumeOrphansLogged, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    public static Builder builder(RecordStore records, WorkerEngine workers) {
        return new Builder(records, workers);
    }

    public void addListener(ImportListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Imports a file in place (it must stay readable until the import completes, for a resume).
     *
     * @throws ImportRefusedException when the file is empty, not UTF-8, or lacks required columns
     * @throws UncheckedIOException   when the file cannot be read
     */
    public ImportSubmission submit(Path file, ImportOptions options) {
        ensureOpen();
        try {
            return start(SourceFile.inspect(file), options, false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Imports a stream (an upload), spooled to the importer's directory while it is read; the
     * spool file is deleted when the import completes.
     *
     * @throws ImportRefusedException when the stream is empty, not UTF-8, or lacks required columns
     */
    public ImportSubmission submit(InputStream csv, ImportOptions options) {
        ensureOpen();
        Path spool = spoolDirectory.resolve("import-" + UUID.randomUUID() + ".csv");
        SourceFile file;
        try {
            Files.createDirectories(spoolDirectory);
            file = SourceFile.spool(csv, spool);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot spool the upload to " + spool + ": " + e.getMessage(), e);
        }
        boolean started = false;
        try {
            ImportSubmission submission = start(file, options, true);
            started = !submission.alreadyImported();
            return submission;
        } finally {
            if (!started) {
                deleteQuietly(spool);
            }
        }
    }

    private ImportSubmission start(SourceFile file, ImportOptions options, boolean spooled) {
        if (!options.force() && !options.dryRun()) {
            Optional<ImportRun> earlier = records.imports().bySha256(file.sha256());
            if (earlier.isPresent()) {
                return new ImportSubmission(earlier.get(), true);
            }
        }
        Instant now = clock.instant();
        List<String> header = checkHeader(file.path(), now);
        ImportRun run = records.imports().create(ImportRun.queued(UUID.randomUUID().toString(), options.sourceName(),
                file.sha256(), options.dryRun(), options.process() && !options.dryRun(), options.chunkSize(), now,
                file.path().toString()).withHeader(header).ownedBy(owner, now));
        owned.add(run.importId());
        LOG.info("Import {} of {} ({} bytes, sha256 {}){} queued", run.importId(), run.sourceName(), file.bytes(),
                file.sha256(), run.dryRun() ? " as a dry run" : "");
        parsers.execute(() -> parse(run, spooled));
        return new ImportSubmission(run, false);
    }

    /** The file's header; opening reads and checks it, so an empty or header-less file is refused here. */
    private List<String> checkHeader(Path file, Instant now) {
        try (InputStream in = Files.newInputStream(file);
                CsvOrderReader reader = CsvOrderReader.open(in, settings(now))) {
            return reader.header();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Takes over and resumes the queued or running imports whose owner is gone: another node (or
     * an earlier life of this process) whose heartbeat is older than the owner timeout, or that
     * let them go when it closed. Returns the runs resumed. Before a run is resumed its file is
     * read again and must still have the SHA-256 it was imported with; a changed or missing file
     * fails the import with that reason. Chunks already applied are skipped, the others enqueued
     * again (a chunk job still in a shared queue is deduplicated by its key and applied once).
     * Runs of a live owner are left alone. Also runs by itself every owner timeout.
     */
    public List<ImportRun> resumeUnfinished() {
        ensureOpen();
        Instant staleBefore = clock.instant().minus(ownerTimeout);
        List<ImportRun> resumed = new ArrayList<>();
        for (ImportRun run : records.imports().unfinished()) {
            boolean ownerGone = run.heartbeatAt() == null || run.heartbeatAt().isBefore(staleBefore);
            if (owner.equals(run.owner()) || !ownerGone) {
                continue;
            }
            Optional<ImportRun> claimed = records.imports().claim(run.importId(), run.owner(), owner, clock.instant());
            if (claimed.isEmpty()) {
                continue; // another node took it first
            }
            ImportRun mine = claimed.get();
            Optional<String> unusable = unusableSource(mine);
            if (unusable.isPresent()) {
                LOG.warn("Import {}: {}", mine.importId(), unusable.get());
                records.imports().updateState(mine.importId(), mine.state(), ImportState.FAILED, unusable.get())
                        .ifPresent(this::finished);
                continue;
            }
            LOG.info("Import {} taken over from {} and resumed after chunk {}", mine.importId(),
                    run.owner() == null ? "no owner" : run.owner(), mine.chunksApplied());
            owned.add(mine.importId());
            boolean spooled = Path.of(Objects.requireNonNull(mine.source())).startsWith(spoolDirectory);
            parsers.execute(() -> parse(mine, spooled));
            resumed.add(mine);
        }
        return resumed;
    }

    /** Why a run's file cannot be read again as the file it imported, if it cannot. */
    private static Optional<String> unusableSource(ImportRun run) {
        if (run.source() == null || !Files.isReadable(Path.of(run.source()))) {
            return Optional.of("Import could not resume: its file " + run.source() + " is gone");
        }
        try {
            String now = SourceFile.sha256Of(Path.of(run.source()));
            if (!now.equals(run.sha256())) {
                return Optional.of("Import could not resume: its file " + run.source()
                        + " changed since the import started (SHA-256 was " + run.sha256() + ", is " + now + ")");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("Import could not resume: its file " + run.source() + " cannot be read: "
                    + e.getMessage());
        }
    }

    private void heartbeatLogged() {
        try {
            Set<String> mine = Set.copyOf(owned);
            if (mine.isEmpty()) {
                return;
            }
            Set<String> beating = records.imports().heartbeat(owner, mine, clock.instant());
            // Finished runs, and runs another node took over, need no heartbeat any more.
            mine.stream().filter(id -> !beating.contains(id)).forEach(owned::remove);
        } catch (RuntimeException e) {
            LOG.warn("Import heartbeat failed, trying again in {}: {}", heartbeatInterval, e.toString());
        }
    }

    private void resumeOrphansLogged() {
        if (closed) {
            return;
        }
        try {
            resumeUnfinished();
        } catch (RuntimeException e) {
            LOG.warn("Looking for imports whose owner is gone failed, trying again in {}: {}", ownerTimeout,
                    e.toString());
        }
    }

    /**
     * Waits until the import completes or fails, and returns it.
     *
     * @throws OrderKpiException when it is still running after {@code timeout}
     */
    public ImportRun awaitFinished(String importId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        progressLock.lock();
        try {
            while (true) {
                ImportRun run = records.imports().get(importId)
                        .orElseThrow(() -> new OrderKpiException("Unknown import: " + importId));
                if (run.state().isFinished()) {
                    return run;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new OrderKpiException("Import " + importId + " still " + run.state() + " after " + timeout);
                }
                progressed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(WINDOW_POLL_MILLIS)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrderKpiException("Interrupted while waiting for import " + importId, e);
        } finally {
            progressLock.unlock();
        }
    }

    /**
     * The parse settings of an import (or of one order validated like a CSV row, see
     * {@link OrderValidation}) that starts at {@code startedAt}: this importer's currency and zone.
     */
    public ImportSettings settings(Instant startedAt) {
        return new ImportSettings(currency, zone, startedAt);
    }

    private void parse(ImportRun run, boolean spooled) {
        String id = run.importId();
        try {
            if (run.state() == ImportState.QUEUED) {
                records.imports().updateState(id, ImportState.QUEUED, ImportState.RUNNING, null);
            }
            readChunks(run);
        } catch (ImportRefusedException | UncheckedIOException | IOException | IllegalArgumentException e) {
            String error = e.getMessage();
            LOG.warn("Import {} failed: {}", id, error);
            failUnlessFinished(id, error);
            if (spooled) {
                deleteQuietly(Path.of(Objects.requireNonNull(run.source())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("Import {} parser stopped; the import resumes from its stored progress", id);
        } catch (QueueClosedException e) {
            // The engine refused the next chunk because it is shutting down: nothing is lost.
            LOG.info("Import {} parser stopped ({}); the import resumes from its stored progress", id, e.getMessage());
        }
    }

    private void readChunks(ImportRun run) throws IOException, InterruptedException {
        String id = run.importId();
        Path file = Path.of(Objects.requireNonNull(run.source(), "import has no source file"));
        Set<String> seenInDryRun = run.dryRun() ? new HashSet<>() : Set.of();
        try (InputStream in = Files.newInputStream(file);
                CsvOrderReader reader = CsvOrderReader.open(in, settings(run.startedAt()))) {
            long rowsRead = 0;
            for (long index = 0; ; index++) {
                List<ImportChunk.Row> orders = new ArrayList<>();
                List<RejectedRow> rejected = new ArrayList<>();
                long startLine = 0;
                int count = 0;
                while (count < run.chunkSize() && reader.hasNext()) {
                    ParsedRow row = reader.next();
                    if (count == 0) {
                        startLine = row.line();
                    }
                    count++;
                    if (row instanceof ParsedRow.Valid valid) {
                        orders.add(new ImportChunk.Row(valid.line(), valid.order()));
                    } else if (row instanceof ParsedRow.Rejected bad) {
                        rejected.add(bad.row());
                    }
                }
                boolean last = !reader.hasNext();
                rowsRead += count;
                ImportChunk chunk = new ImportChunk(id, index, startLine, count, orders, rejected, last);
                if (closed || Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("importer closed");
                }
                // Rows read are reported before the chunk can be applied, so progress never runs backwards.
                long read = rowsRead;
                notifyListeners(listener -> listener.onRowsRead(id, read));
                if (run.dryRun()) {
                    recordDryRun(chunk, index >= run.chunksApplied(), seenInDryRun);
                } else if (index >= run.chunksApplied()) {
                    awaitWindow(id, index);
                    // The subject names the chunk, never its rows: failed-job views show it.
                    workers.enqueue(JobRequest.of(QueueNames.ORDERS_IMPORT, CHUNK_JOB, ChunkCodec.encode(chunk))
                            .withDedupKey("import:" + id + ":chunk:" + index)
                            .withSubject("import " + id + " chunk " + index));
                }
                if (last) {
                    return;
                }
            }
        }
    }

    /** Blocks until chunk {@code index} is within {@code chunksAhead} of the applied chunks. */
    private void awaitWindow(String importId, long index) throws InterruptedException {
        progressLock.lock();
        try {
            while (true) {
                ImportRun run = records.imports().get(importId)
                        .orElseThrow(() -> new IllegalStateException("import vanished: " + importId));
                if (index - run.chunksApplied() < chunksAhead) {
                    return;
                }
                if (closed) {
                    throw new InterruptedException("importer closed");
                }
                progressed.await(WINDOW_POLL_MILLIS, TimeUnit.MILLISECONDS);
            }
        } finally {
            progressLock.unlock();
        }
    }

    /**
     * Dry runs never reach the queue: the parser counts here. Repeats inside the file are found
     * with a set of the numbers seen (memory grows with the file only in a dry run).
     */
    private void recordDryRun(ImportChunk chunk, boolean pending, Set<String> seen) {
        Set<String> candidates = new HashSet<>();
        for (ImportChunk.Row row : chunk.orders()) {
            candidates.add(row.order().orderNumber());
        }
        Set<String> existing = pending ? records.orders().existingOrderNumbers(candidates) : Set.of();
        long imported = 0;
        long skipped = 0;
        for (ImportChunk.Row row : chunk.orders()) {
            String number = row.order().orderNumber();
            if (seen.add(number) && !existing.contains(number)) {
                imported++;
            } else {
                skipped++;
            }
        }
        if (!pending) {
            return;
        }
        ImportRun run = records.imports().recordDryRunChunk(chunk.importId(), chunk.index(),
                new ImportCounters(chunk.rowsRead(), imported, skipped, chunk.rejected().size()), chunk.rejected(),
                chunk.last());
        signalProgress();
        ChunkOutcome outcome = new ChunkOutcome(true, List.of(), List.of(), run);
        notifyListeners(listener -> listener.onChunkApplied(outcome));
        if (run.state().isFinished()) {
            finished(run);
            deleteIfSpooled(run);
        }
    }

    private void applyChunk(Job job) {
        ImportChunk chunk = ChunkCodec.decode(job.payload());
        ImportRun run = records.imports().get(chunk.importId())
                .orElseThrow(() -> new IllegalStateException("Import " + chunk.importId() + " does not exist"));
        if (chunk.index() < run.chunksApplied()) {
            LOG.debug("Import {} chunk {} was applied before", chunk.importId(), chunk.index());
            requeueStoredOrders(run, chunk);
            return;
        }
        if (chunk.index() > run.chunksApplied()) {
            // Checked with a read, not a write: a chunk waiting its turn costs no transaction. Behind
            // a chunk that failed it waits long; that chunk's retry lets the import go on.
            Duration wait = run.state() == ImportState.FAILED ? WAIT_BEHIND_FAILED_CHUNK : OUT_OF_ORDER_RETRY;
            throw new RetryLaterException("Import " + chunk.importId() + " chunk " + chunk.index()
                    + " waits for chunk " + run.chunksApplied(), wait);
        }
        ChunkOutcome outcome;
        try {
            outcome = records.orders().insertChunk(chunk, new ImportedStatusEvents(chunk.importId()));
        } catch (ChunkOutOfOrderException e) {
            throw new RetryLaterException(e.getMessage(), OUT_OF_ORDER_RETRY);
        } catch (RuntimeException e) {
            if (job.attempt() >= chunkAttempts) {
                failOnChunk(chunk, e);
            }
            throw e;
        }
        signalProgress();
        if (!outcome.applied()) {
            LOG.debug("Import {} chunk {} was applied before", chunk.importId(), chunk.index());
            requeueStoredOrders(outcome.run(), chunk);
            return;
        }
        if (processing != null && outcome.run().processOrders()) {
            // Not a listener: a failure here (the queue closing) must fail the job, so that it runs
            // again, on this node or another, and queues the orders then.
            processing.accept(outcome.inserted());
        }
        notifyListeners(listener -> listener.onChunkApplied(outcome));
        ImportRun applied = outcome.run();
        if (applied.state().isFinished()) {
            ImportCounters c = applied.counters();
            LOG.info("Import {} completed: {} rows read, {} imported, {} skipped as existing, {} rejected",
                    applied.importId(), c.rowsRead(), c.imported(), c.skippedExisting(), c.rejected());
            finished(applied);
            deleteIfSpooled(applied);
        }
    }

    /**
     * A chunk job that runs again after its chunk was stored: the node that stored it may have died
     * before it queued the orders, so they are queued again (the workflow deduplicates per order).
     */
    private void requeueStoredOrders(ImportRun run, ImportChunk chunk) {
        if (processing == null || !run.processOrders()) {
            return;
        }
        List<Order> stored = new ArrayList<>();
        for (ImportChunk.Row row : chunk.orders()) {
            records.orders().byOrderNumber(row.order().orderNumber())
                    .filter(order -> order.status() == OrderStatus.PENDING).ifPresent(stored::add);
        }
        processing.accept(stored);
    }

    /**
     * A chunk's last attempt failed: the import shows it as failed with that chunk and its error,
     * and its later chunks wait. Retrying the chunk's job applies it and the import goes on.
     */
    private void failOnChunk(ImportChunk chunk, RuntimeException cause) {
        String error = "Chunk " + chunk.index() + " (from line " + chunk.startLine() + ") failed: " + cause.getMessage()
                + "; retry its job from the failed jobs to go on";
        LOG.warn("Import {}: {}", chunk.importId(), error);
        failUnlessFinished(chunk.importId(), error);
    }

    /** Fails an unfinished run (queued or running) with {@code error}; a finished one stays as it is. */
    private void failUnlessFinished(String importId, String error) {
        for (ImportState from : List.of(ImportState.RUNNING, ImportState.QUEUED)) {
            Optional<ImportRun> failed = records.imports().updateState(importId, from, ImportState.FAILED, error);
            if (failed.isPresent()) {
                finished(failed.get());
                return;
            }
        }
    }

    private void finished(ImportRun run) {
        signalProgress();
        notifyListeners(listener -> listener.onFinished(run));
    }

    private void deleteIfSpooled(ImportRun run) {
        if (run.source() != null) {
            Path source = Path.of(run.source());
            if (source.startsWith(spoolDirectory)) {
                deleteQuietly(source);
            }
        }
    }

    private void signalProgress() {
        progressLock.lock();
        try {
            progressed.signalAll();
        } finally {
            progressLock.unlock();
        }
    }

    private void notifyListeners(java.util.function.Consumer<ImportListener> call) {
        for (ImportListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("Import listener {} failed; ignored", listener, e);
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("Could not delete spool file {}: {}", path, e.getMessage());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The importer is closed");
        }
    }

    /**
     * Stops the parser threads. Imports in progress stay queued or running in the record store and
     * resume with {@link #resumeUnfinished()}.
     */
    @Override
    public void close() {
        if (stopThreads()) {
            letGoOfOwnedRuns();
        }
    }

    /**
     * Stops at once, as a killed process would: the parsers and heartbeats stop and the imports
     * stay owned, so another node takes them over only once their heartbeat is older than the
     * owner timeout. For tests and emergencies; {@link #close()} is the orderly way.
     */
    public void halt() {
        stopThreads();
    }

    /** Stops the parser and heartbeat threads; false when they were stopped before. */
    private boolean stopThreads() {
        if (closed) {
            return false;
        }
        closed = true;
        heartbeats.shutdownNow();
        signalProgress();
        parsers.shutdownNow();
        try {
            if (!parsers.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Import parsers did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /**
     * A heartbeat at the epoch tells every node at once that this one is gone, so the next sweep
     * (here after a restart, or on another node) takes the runs over without waiting for the
     * owner timeout.
     */
    private void letGoOfOwnedRuns() {
        Set<String> mine = Set.copyOf(owned);
        if (mine.isEmpty()) {
            return;
        }
        try {
            records.imports().heartbeat(owner, mine, Instant.EPOCH);
        } catch (RuntimeException e) {
            LOG.warn("Could not let go of {} import(s) at close; they are taken over after {}: {}", mine.size(),
                    ownerTimeout, e.toString());
        }
    }

    /** Configures an {@link OrderImporter}. */
    public static final class Builder {
        private final RecordStore records;
        private final WorkerEngine workers;
        private Clock clock = Clock.systemUTC();
        private String currency = "USD";
        private ZoneId zone = ZoneOffset.UTC;
        private Path spoolDirectory = Path.of(System.getProperty("java.io.tmpdir"), "orderkpi-imports");
        private int chunksAhead = 4;
        private int parserThreads = 2;
        private String owner = "importer-" + UUID.randomUUID();
        private Duration heartbeatInterval = Duration.ofSeconds(5);
        private Duration ownerTimeout = Duration.ofSeconds(30);
        private int chunkAttempts = 3;
        private @Nullable Consumer<List<Order>> processing;

        private Builder(RecordStore records, WorkerEngine workers) {
            this.records = Objects.requireNonNull(records, "records");
            this.workers = Objects.requireNonNull(workers, "workers");
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The reporting currency, ISO 4217 (default USD). */
        public Builder currency(String value) {
            String code = value.strip().toUpperCase(Locale.ROOT);
            if (!code.matches("[A-Z]{3}")) {
                throw new IllegalArgumentException("currency must be a 3-letter ISO 4217 code: " + value);
            }
            this.currency = code;
            return this;
        }

        /** The zone of {@code placed_at} values without an offset (default UTC). */
        public Builder zone(ZoneId value) {
            this.zone = Objects.requireNonNull(value, "zone");
            return this;
        }

        /** Where uploaded streams are spooled (default: {@code orderkpi-imports} in the temp dir). */
        public Builder spoolDirectory(Path value) {
            this.spoolDirectory = value.toAbsolutePath().normalize();
            return this;
        }

        /** How many chunks a parser may enqueue ahead of the applied ones (default 4). */
        public Builder chunksAhead(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("chunksAhead must be >= 1: " + value);
            }
            this.chunksAhead = value;
            return this;
        }

        /** How many files are parsed at once (default 2); more wait their turn. */
        public Builder parserThreads(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("parserThreads must be >= 1: " + value);
            }
            this.parserThreads = value;
            return this;
        }

        /**
         * The name of this node as the owner of the imports it reads (default: a random one). Two
         * live importers sharing a record store must have different names.
         */
        public Builder owner(String value) {
            if (value.isBlank()) {
                throw new IllegalArgumentException("owner must not be blank");
            }
            this.owner = value;
            return this;
        }

        /**
         * How often the owner of an import says it is alive (default 5 s), and after how long
         * without a sign of life another node takes the import over (default 30 s; at least twice
         * the interval, so one late heartbeat does not lose an owner its import).
         */
        public Builder heartbeat(Duration interval, Duration timeout) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("heartbeat interval must be positive: " + interval);
            }
            if (timeout.compareTo(interval.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("owner timeout " + timeout + " must be at least twice the heartbeat "
                        + "interval " + interval);
            }
            this.heartbeatInterval = interval;
            this.ownerTimeout = timeout;
            return this;
        }

        /**
         * The attempts the queue gives a chunk job (its retry policy's maximum, default 3): after
         * the last one fails, the import is shown as failed on that chunk.
         */
        public Builder chunkAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("chunkAttempts must be >= 1: " + value);
            }
            this.chunkAttempts = value;
            return this;
        }

        /**
         * What queues the stored orders of an import that asked for processing ({@code process}),
         * called in the chunk's job right after the chunk is stored, and again when the job runs a
         * second time (its first run may have died in between), so it must be idempotent. A
         * failure fails the chunk's job, which then runs again.
         */
        public Builder processing(Consumer<List<Order>> value) {
            this.processing = Objects.requireNonNull(value, "processing");
            return this;
        }

        public OrderImporter build() {
            spoolDirectory = spoolDirectory.toAbsolutePath().normalize();
            return new OrderImporter(this);
        }
    }
}
