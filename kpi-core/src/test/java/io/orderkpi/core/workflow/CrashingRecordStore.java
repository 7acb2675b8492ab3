package io.orderkpi.core.workflow;

import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.imports.ChunkOutcome;
import io.orderkpi.core.imports.ImportChunk;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.spi.ImportRecords;
import io.orderkpi.core.spi.ImportedOrderEvents;
import io.orderkpi.core.spi.OrderQuery;
import io.orderkpi.core.spi.OrderRecords;
import io.orderkpi.core.spi.Outbox;
import io.orderkpi.core.spi.Page;
import io.orderkpi.core.spi.RecordStore;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A record store that "crashes" at one chosen transition: just before it commits, or just after
 * (the change is stored, but the caller sees a failure, as when the process dies right then).
 */
final class CrashingRecordStore implements RecordStore {

    enum When { BEFORE_COMMIT, AFTER_COMMIT }

    private final RecordStore delegate;
    private final AtomicInteger transitions = new AtomicInteger();
    private volatile int crashAt = -1;
    private volatile When when = When.AFTER_COMMIT;

    CrashingRecordStore(RecordStore delegate) {
        this.delegate = delegate;
    }

    /** Crash at the {@code n}-th transition from now (1-based), once. */
    void crashAtTransition(int n, When moment) {
        transitions.set(0);
        this.when = moment;
        this.crashAt = n;
    }

    @Override
    public OrderRecords orders() {
        OrderRecords orders = delegate.orders();
        return new OrderRecords() {
            @Override
            public Order insert(NewOrder order, List<NewEvent> events) {
                return orders.insert(order, events);
            }

            @Override
            public ChunkOutcome insertChunk(ImportChunk chunk, ImportedOrderEvents events) {
                return orders.insertChunk(chunk, events);
            }

            @Override
            public Optional<Order> get(long id) {
                return orders.get(id);
            }

            @Override
            public Optional<Order> byOrderNumber(String orderNumber) {
                return orders.byOrderNumber(orderNumber);
            }

            @Override
            public Set<String> existingOrderNumbers(Collection<String> orderNumbers) {
                return orders.existingOrderNumbers(orderNumbers);
            }

            @Override
            public Page<Order> list(OrderQuery query) {
                return orders.list(query);
            }

            @Override
            public List<Order> inProgress(java.time.Instant updatedBefore, long afterId, int limit) {
                return orders.inProgress(updatedBefore, afterId, limit);
            }

            @Override
            public void forEachPlacedBetween(java.time.Instant from, java.time.Instant to,
                    java.util.function.Consumer<Order> consumer) {
                orders.forEachPlacedBetween(from, to, consumer);
            }

            @Override
            public Optional<Order> transition(long orderId, OrderStatus from, OrderStatus to, OrderChanges changes,
                    List<NewEvent> events) {
                boolean crash = transitions.incrementAndGet() == crashAt;
                if (crash) {
                    crashAt = -1;
                }
                if (crash && when == When.BEFORE_COMMIT) {
                    throw new StoreUnavailableException("crash before " + from + " -> " + to);
                }
                Optional<Order> result = orders.transition(orderId, from, to, changes, events);
                if (crash) {
                    throw new StoreUnavailableException("crash after " + from + " -> " + to);
                }
                return result;
            }
        };
    }

    @Override
    public ImportRecords imports() {
        return delegate.imports();
    }

    @Override
    public io.orderkpi.core.spi.RefundRecords refunds() {
        return delegate.refunds();
    }

    @Override
    public Outbox outbox() {
        return delegate.outbox();
    }

    @Override
    public io.orderkpi.core.spi.NotificationRecords notifications() {
        return delegate.notifications();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
