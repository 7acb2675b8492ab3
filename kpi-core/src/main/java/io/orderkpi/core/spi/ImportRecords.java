package io.orderkpi.core.spi;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.imports.RejectedRow;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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

    /**
     * Runs that are queued or running, oldest first: what a sweep looks through for runs whose
     * owner is gone.
     */
    List<ImportRun> unfinished();

    /**
     * Compare-and-set of a run's state: moves it from {@code from} to {@code to} (a failed run
     * with its error, any other state clears it), or changes nothing when it is not in
     * {@code from}, because another thread or node changed it first.
     *
     * @param error why it failed; only with {@link ImportState#FAILED}
     * @return the updated run, or empty when it was not in {@code from}
     * @throws java.util.NoSuchElementException when the run does not exist
     */
    Optional<ImportRun> updateState(String importId, ImportState from, ImportState to, @Nullable String error);

    /**
     * Compare-and-set of a run's owner: when its owner is {@code expectedOwner} ({@code null}: no
     * owner), makes {@code owner} the owner with a heartbeat at {@code now}. How a node takes over
     * the import of a node that is gone: of two nodes racing for it, exactly one wins.
     *
     * @return the updated run, or empty when its owner was not {@code expectedOwner}
     * @throws java.util.NoSuchElementException when the run does not exist
     */
    Optional<ImportRun> claim(String importId, @Nullable String expectedOwner, String owner, Instant now);

    /**
     * The owner's sign of life: sets the heartbeat of those of {@code importIds} that are
     * unfinished and still owned by {@code owner} to {@code now}.
     *
     * @return the ids whose heartbeat was set: the runs the owner still owns and has work on
     */
    Set<String> heartbeat(String owner, Collection<String> importIds, Instant now);

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
