package io.orderkpi.core.imports;

import io.orderkpi.core.lang.Nullable;
import java.time.Instant;
import java.util.List;
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
 * @param owner           the node whose importer reads the file and heartbeats the run, or
 *                        {@code null} when no node has taken it
 * @param heartbeatAt     the owner's last sign of life; a run whose heartbeat is older than the
 *                        importer's staleness limit has lost its owner and may be taken over
 * @param header          the file's header fields exactly as written, under which its rejected
 *                        rows are reported again; empty when not known
 */
public record ImportRun(String importId, String sourceName, String sha256, ImportState state, boolean dryRun,
        boolean processOrders, int chunkSize, Instant startedAt, ImportCounters counters, long chunksApplied,
        long chunksTotal, @Nullable String source, @Nullable String error, Instant createdAt, Instant updatedAt,
        @Nullable Instant finishedAt, @Nullable String owner, @Nullable Instant heartbeatAt, List<String> header) {

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
        header = List.copyOf(header);
    }

    /** A new run, queued, nothing applied, owned by no node yet. */
    public static ImportRun queued(String importId, String sourceName, String sha256, boolean dryRun,
            boolean processOrders, int chunkSize, Instant now, @Nullable String source) {
        return new ImportRun(importId, sourceName, sha256, ImportState.QUEUED, dryRun, processOrders, chunkSize, now,
                ImportCounters.ZERO, 0, -1, source, null, now, now, null, null, null, List.of());
    }

    /** This run in {@code newState}; a failed run carries its error, any other state none. */
    public ImportRun withState(ImportState newState, @Nullable String newError, Instant now) {
        return new ImportRun(importId, sourceName, sha256, newState, dryRun, processOrders, chunkSize, startedAt, counters,
                chunksApplied, chunksTotal, source, newError, createdAt, now, newState.isFinished() ? now : finishedAt,
                owner, heartbeatAt, header);
    }

    /**
     * This run after chunk number {@link #chunksApplied()} was applied with the given counts. A run
     * that had failed on that chunk goes on: it is running (or completed) again, without the error.
     */
    public ImportRun withChunkApplied(ImportCounters delta, boolean last, Instant now) {
        long applied = chunksApplied + 1;
        ImportState newState = last ? ImportState.COMPLETED : ImportState.RUNNING;
        return new ImportRun(importId, sourceName, sha256, newState, dryRun, processOrders, chunkSize, startedAt,
                counters.plus(delta), applied, last ? applied : -1, source, null, createdAt, now,
                last ? now : null, owner, heartbeatAt, header);
    }

    /** This run with the file's header fields. */
    public ImportRun withHeader(List<String> newHeader) {
        return new ImportRun(importId, sourceName, sha256, state, dryRun, processOrders, chunkSize, startedAt, counters,
                chunksApplied, chunksTotal, source, error, createdAt, updatedAt, finishedAt, owner, heartbeatAt,
                newHeader);
    }

    /** This run owned by {@code newOwner}, its heartbeat at {@code now}. */
    public ImportRun ownedBy(String newOwner, Instant now) {
        Objects.requireNonNull(newOwner, "newOwner");
        return new ImportRun(importId, sourceName, sha256, state, dryRun, processOrders, chunkSize, startedAt, counters,
                chunksApplied, chunksTotal, source, error, createdAt, now, finishedAt, newOwner, now, header);
    }

    /** This run with its owner's heartbeat at {@code now}; {@code updatedAt} is left alone. */
    public ImportRun withHeartbeat(Instant now) {
        return new ImportRun(importId, sourceName, sha256, state, dryRun, processOrders, chunkSize, startedAt, counters,
                chunksApplied, chunksTotal, source, error, createdAt, updatedAt, finishedAt, owner, now, header);
    }
}
