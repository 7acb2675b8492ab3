package io.orderkpi.core.importer;

import io.orderkpi.core.Nullable;
import java.time.Instant;
import java.util.Objects;

/**
 * One import of one file, as the record store keeps it. Immutable; the store returns a new value
 * after each change.
 *
 * @param importId        UUID text
 * @param sourceName      file name or label the user gave
 * @param sha256          lower-case hex SHA-256 of the file's bytes: its identity
 * @param dryRun          validate and count only, store no order
 * @param processOrders   queue the imported orders in a non-final status for the workflow
 * @param chunkSize       rows per chunk job
 * @param startedAt       the instant the import started: {@code placed_at} of rows without one,
 *                        stored so resumed chunks agree
 * @param counters        rows read, imported, skipped, rejected, over the chunks applied
 * @param chunksApplied   chunks applied so far; chunk {@code chunksApplied} is the next one
 * @param chunksTotal     number of chunks once the last has been applied, else -1
 * @param source          where the importer can read the file again to resume (a spool file),
 *                        or {@code null} when it cannot
 * @param error           why the import failed, when it did
 */
public record ImportRun(String importId, String sourceName, String sha256, ImportState state, boolean dryRun,
        boolean processOrders, int chunkSize, Instant startedAt, ImportCounters counters, long chunksApplied,
        long chunksTotal, @Nullable String source, @Nullable String error, Instant createdAt, Instant updatedAt,
        @Nullable Instant finishedAt) {

    public ImportRun {
        Objects.requireNonNull(importId, "importId");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be >= 1: " + chunkSize);
        }
    }

    /** A new run, queued, nothing applied. */
    public static ImportRun queued(String importId, String sourceName, String sha256, boolean dryRun,
            boolean processOrders, int chunkSize, Instant now, @Nullable String source) {
        return new ImportRun(importId, sourceName, sha256, ImportState.QUEUED, dryRun, processOrders, chunkSize, now,
                ImportCounters.ZERO, 0, -1, source, null, now, now, null);
    }

    public ImportRun withState(ImportState newState, @Nullable String newError, Instant now) {
        return new ImportRun(importId, sourceName, sha256, newState, dryRun, processOrders, chunkSize, startedAt, counters,
                chunksApplied, chunksTotal, source, newError, createdAt, now, newState.isFinished() ? now : finishedAt);
    }

    /** This run after chunk number {@link #chunksApplied()} was applied with the given counts. */
    public ImportRun withChunkApplied(ImportCounters delta, boolean last, Instant now) {
        long applied = chunksApplied + 1;
        ImportState newState = last ? ImportState.COMPLETED : ImportState.RUNNING;
        return new ImportRun(importId, sourceName, sha256, newState, dryRun, processOrders, chunkSize, startedAt,
                counters.plus(delta), applied, last ? applied : -1, source, error, createdAt, now,
                last ? now : finishedAt);
    }
}
