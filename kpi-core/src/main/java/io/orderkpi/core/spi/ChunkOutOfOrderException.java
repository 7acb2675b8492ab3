package io.orderkpi.core.spi;

import io.orderkpi.core.lang.OrderKpiException;

/**
 * An import chunk arrived before the chunks ahead of it were applied. Chunks apply in file order
 * so that "first occurrence wins" is deterministic; the job retries later.
 */
public final class ChunkOutOfOrderException extends OrderKpiException {

    public ChunkOutOfOrderException(String importId, long index, long expected) {
        super("Import " + importId + ": chunk " + index + " arrived before chunk " + expected);
    }
}
