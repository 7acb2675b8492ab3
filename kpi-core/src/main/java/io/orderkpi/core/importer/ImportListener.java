package io.orderkpi.core.importer;

import io.orderkpi.core.imports.ChunkOutcome;
import io.orderkpi.core.imports.ImportRun;

/**
 * Progress of imports, for progress bars and for follow-up work such as queueing imported orders
 * for processing. Called on importer and worker threads: implementations are thread-safe, quick
 * and must not throw (a throwing listener is logged and ignored).
 */
public interface ImportListener {

    /** The parser has read {@code rowsRead} rows of the file so far (valid and rejected). */
    default void onRowsRead(String importId, long rowsRead) {
    }

    /** A chunk was applied; {@code outcome.run()} holds the import's counters after it. */
    default void onChunkApplied(ChunkOutcome outcome) {
    }

    /** The import completed or failed. */
    default void onFinished(ImportRun run) {
    }
}
