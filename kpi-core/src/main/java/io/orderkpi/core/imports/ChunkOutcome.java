package io.orderkpi.core.imports;

import io.orderkpi.core.order.Order;
import java.util.List;

/**
 * What applying an {@link ImportChunk} did.
 *
 * @param applied  false when the chunk had been applied before (a redelivered job): nothing
 *                 changed and the lists are empty
 * @param inserted the orders stored, with their ids, in file order
 * @param skipped  order numbers that already existed or repeated earlier in the file
 * @param run      the import after the chunk
 */
public record ChunkOutcome(boolean applied, List<Order> inserted, List<String> skipped, ImportRun run) {

    public ChunkOutcome {
        inserted = List.copyOf(inserted);
        skipped = List.copyOf(skipped);
    }
}
