package io.orderkpi.core.spi;

import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.imports.ChunkOutcome;
import io.orderkpi.core.imports.ImportChunk;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The orders view of a {@link RecordStore}. Thread-safe. Ids are assigned by the store, positive
 * and increasing in insertion order.
 */
public interface OrderRecords {

    /**
     * Stores one order and its events atomically.
     *
     * @throws DuplicateOrderException when the order number exists; nothing is stored
     */
    Order insert(NewOrder order, List<NewEvent> events);

    /**
     * Applies one import chunk atomically with the import's progress: inserts each order whose
     * number does not exist yet (the first occurrence wins, also inside the chunk), records
     * {@code events.eventsFor(order)} for each inserted order, stores the chunk's rejected rows,
     * adds the chunk's counters to the import and advances its {@code chunksApplied}; the chunk
     * marked {@code last} completes the import.
     *
     * <p>Idempotent by chunk index: a chunk below the import's {@code chunksApplied} changes
     * nothing and returns {@code applied = false}. Safe under concurrent calls for chunks of
     * different imports that share order numbers: each number is stored once.
     *
     * @throws ChunkOutOfOrderException when the chunk's index is above {@code chunksApplied}
     *         (an earlier chunk is not applied yet); nothing changes
     * @throws java.util.NoSuchElementException when the import does not exist
     */
    ChunkOutcome insertChunk(ImportChunk chunk, ImportedOrderEvents events);

    Optional<Order> get(long id);

    Optional<Order> byOrderNumber(String orderNumber);

    /** Which of the given order numbers exist. */
    Set<String> existingOrderNumbers(Collection<String> orderNumbers);

    /**
     * A page of orders, newest first, without items. Stable under concurrent inserts: new
     * orders have higher ids and never shift later pages.
     */
    Page<Order> list(OrderQuery query);

    /**
     * Orders {@linkplain OrderStatus#isInProgress() in progress} whose last update was strictly
     * before {@code updatedBefore}, with an id above {@code afterId}, in ascending id order (the
     * oldest orders first), at most {@code limit}, without items: how the sweep and the stuck
     * list find unfinished orders without reading every order. Page on with the last id returned.
     *
     * @throws IllegalArgumentException when {@code limit} is below 1
     */
    List<Order> inProgress(Instant updatedBefore, long afterId, int limit);

    /**
     * Calls {@code consumer} with every order whose {@code placedAt} is in {@code [from, to)}, with
     * items, in no particular order: the input of KPI recomputation (backfill, verify). The
     * consumer runs on the calling thread and must not call the store. A store may read the
     * orders in pages; orders inserted meanwhile may or may not be seen.
     */
    void forEachPlacedBetween(Instant from, Instant to, Consumer<Order> consumer);

    /**
     * Compare-and-set of an order's status plus an append of its events to the outbox, in one
     * atomic step: either the order is {@code from} and becomes {@code to} with {@code changes}
     * applied and every event recorded, or nothing changes.
     *
     * @return the updated order, or empty when the order's status was not {@code from} (another
     *         thread or node won the race)
     * @throws io.orderkpi.core.order.IllegalTransitionException when {@code from → to} is not legal
     * @throws java.util.NoSuchElementException when no order has this id
     */
    Optional<Order> transition(long orderId, OrderStatus from, OrderStatus to, OrderChanges changes,
            List<NewEvent> events);
}
