package io.orderkpi.core.spi;

import io.orderkpi.core.Nullable;
import io.orderkpi.core.importer.ImportCounters;
import io.orderkpi.core.importer.ImportRun;
import io.orderkpi.core.importer.ImportState;
import io.orderkpi.core.importer.RejectedRow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The imports view of a {@link RecordStore}: runs, their progress and rejected rows. Thread-safe.
 * Progress of real imports advances only through {@link OrderRecords#insertChunk}.
 */
public interface ImportRecords {

    /**
     * Stores a new run.
     *
     * @throws IllegalArgumentException when a run with its id exists
     */
    ImportRun create(ImportRun run);

    Optional<ImportRun> get(String importId);

    /**
     * The most recent run of the file with this SHA-256 that is not a dry run and has not
     * failed: the import a repeated upload answers with.
     */
    Optional<ImportRun> bySha256(String sha256);

    /** Runs newest first (by creation), at most {@code limit}. */
    List<ImportRun> recent(int limit);

    /**
     * One page of runs, newest first in the order they were created: the runs created before the
     * one whose key is {@code beforeKey} ({@link Long#MAX_VALUE} for the first page), at most
     * {@code limit}. Keys are positive, assigned by the store in creation order, and opaque to
     * callers; {@link Page#nextKey()} is the key to pass for the next page, empty on the last one.
     * Stable under inserts: runs created while a client pages never shift or repeat a page.
     *
     * @throws IllegalArgumentException when {@code limit} is not positive
     */
    Page<ImportRun> page(long beforeKey, int limit);

    /** Runs that are queued or running: what a start-up sweep resumes. */
    List<ImportRun> unfinished();

    /**
     * Moves a run to {@code state}.
     *
     * @param error why it failed; only with {@link ImportState#FAILED}
     * @throws java.util.NoSuchElementException when the run does not exist
     */
    ImportRun updateState(String importId, ImportState state, @Nullable String error);

    /**
     * Records a validated chunk of a dry run: counters and rejected rows, no orders. Idempotent by
     * chunk index like {@link OrderRecords#insertChunk}.
     *
     * @throws ChunkOutOfOrderException when an earlier chunk is not recorded yet
     */
    ImportRun recordDryRunChunk(String importId, long index, ImportCounters delta, List<RejectedRow> rejected,
            boolean last);

    /** Rejected rows of a run in line order, from {@code offset}, at most {@code limit}. */
    List<RejectedRow> rejectedRows(String importId, long offset, int limit);

    /**
     * Removes the completed and failed runs finished before {@code finishedBefore}, with their
     * rejected rows: the history retention (SPEC §9). Queued and running runs are never removed,
     * whatever their age, since a start-up sweep still resumes them. Atomic and idempotent.
     *
     * @return how many runs were removed
     */
    int purgeFinished(Instant finishedBefore);
}
