package io.orderkpi.core.spi;

/**
 * The system of record: orders and items, imports, refunds, notifications and the outbox. One
 * SPI because the core's steps write several of these at once and each step must be atomic: a
 * status change with its events, an import chunk with the import's progress, a refund's outcome
 * with the order's new status and its events. An implementation does each such step in one transaction (or under one lock).
 *
 * <p>Implementations are thread-safe; every method may be called from any thread. A store that
 * cannot be reached throws {@link io.orderkpi.core.lang.StoreUnavailableException}, never a raw
 * driver exception. Every implementation must pass {@code RecordStoreContract} of kpi-testkit.
 */
public interface RecordStore extends AutoCloseable {

    OrderRecords orders();

    ImportRecords imports();

    RefundRecords refunds();

    Outbox outbox();

    NotificationRecords notifications();

    /** Releases connections or threads the store holds. Idempotent. */
    @Override
    void close();
}
