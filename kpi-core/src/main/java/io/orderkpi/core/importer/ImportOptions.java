package io.orderkpi.core.importer;

import java.util.Objects;

/**
 * How to run one import.
 *
 * @param sourceName file name or label shown in listings
 * @param chunkSize  rows per chunk job, 1 to {@value #MAX_CHUNK_SIZE}
 * @param force      import again even when a file with the same SHA-256 was imported (existing
 *                   orders are still skipped)
 * @param dryRun     validate and count, store no order
 * @param process    queue every imported order in a non-final status for the workflow, as its
 *                   chunk is stored (kept with the import, so a resumed import does it too)
 */
public record ImportOptions(String sourceName, int chunkSize, boolean force, boolean dryRun, boolean process) {

    public static final int DEFAULT_CHUNK_SIZE = 1_000;
    public static final int MAX_CHUNK_SIZE = 100_000;

    public ImportOptions {
        Objects.requireNonNull(sourceName, "sourceName");
        if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk must be between 1 and " + MAX_CHUNK_SIZE + ": " + chunkSize);
        }
    }

    public static ImportOptions named(String sourceName) {
        return new ImportOptions(sourceName, DEFAULT_CHUNK_SIZE, false, false, false);
    }

    public ImportOptions withChunkSize(int size) {
        return new ImportOptions(sourceName, size, force, dryRun, process);
    }

    public ImportOptions withForce(boolean value) {
        return new ImportOptions(sourceName, chunkSize, value, dryRun, process);
    }

    public ImportOptions withDryRun(boolean value) {
        return new ImportOptions(sourceName, chunkSize, force, value, process);
    }

    public ImportOptions withProcess(boolean value) {
        return new ImportOptions(sourceName, chunkSize, force, dryRun, value);
    }
}
