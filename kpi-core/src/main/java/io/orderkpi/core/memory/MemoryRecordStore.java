package io.orderkpi.core.memory;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.event.DeadLetter;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.imports.ChunkOutcome;
import io.orderkpi.core.imports.ImportChunk;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.notification.NewNotification;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationState;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.refund.Refund;
import io.orderkpi.core.refund.RefundConflictException;
import io.orderkpi.core.refund.RefundOutcome;
import io.orderkpi.core.refund.RefundRequest;
import io.orderkpi.core.refund.RefundRules;
import io.orderkpi.core.refund.RefundStatus;
import io.orderkpi.core.spi.ChunkOutOfOrderException;
import io.orderkpi.core.spi.DuplicateOrderException;
import io.orderkpi.core.spi.ImportRecords;
import io.orderkpi.core.spi.ImportedOrderEvents;
import io.orderkpi.core.spi.NotificationQuery;
import io.orderkpi.core.spi.NotificationRecords;
import io.orderkpi.core.spi.OrderQuery;
import io.orderkpi.core.spi.OrderRecords;
import io.orderkpi.core.spi.Outbox;
import io.orderkpi.core.spi.OutboxPosition;
import io.orderkpi.core.spi.Page;
import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.core.spi.RefundQuery;
import io.orderkpi.core.spi.RefundRecords;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link RecordStore} in the JVM heap: the default store, for tests, demos and embedding.
 *
 * <p>Thread-safe. One read-write lock guards all records, so every SPI step (a status change with
 * its events, an import chunk with the import's progress) is atomic and isolated; reads share the
 * read lock. Each step is prepared before anything is written, so a step that throws leaves the
 * store as it was.
 *
 * <p>Nothing is persisted. Memory grows with the orders and refunds stored; outbox events,
 * notifications and imports grow until the history retention purges them (see
 * {@link Outbox#purgeDelivered}), and delivery bookkeeping does not grow with delivered events (dead
 * letters and the events waiting behind them are kept one by one until redelivered). Use
 * a database-backed store when records must survive the process or outgrow the heap.
 */
public final class MemoryRecordStore implements RecordStore {

    private final Clock clock;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    // Orders: by id for keyset paging, plus the indexes list() and the unique check need.
    private final NavigableMap<Long, Order> ordersById = new TreeMap<>();
    private final Map<String, Long> idByOrderNumber = new HashMap<>();
    private final Map<String, NavigableSet<Long>> idsByCustomer = new HashMap<>();
    private final NavigableMap<Instant, List<Long>> idsByPlacedAt = new TreeMap<>();
    private final Map<OrderStatus, NavigableSet<Long>> idsByStatus = new EnumMap<>(OrderStatus.class);
    private long lastOrderId;

    // Imports, in creation (insertion) order.
    private final Map<String, ImportEntry> importsById = new LinkedHashMap<>();
    private long lastImportInsertion;

    // Outbox by sequence: a map rather than a list indexed by sequence, so that the retention can
    // remove delivered events from anywhere (one pending event must not pin the ones after it).
    // Sequences start at 1 and are never reused, so lastSequence survives a purge.
    private final NavigableMap<Long, OutboxEvent> events = new TreeMap<>();
    private long lastSequence;
    private final Map<Long, List<OutboxEvent>> eventsByOrder = new HashMap<>();
    // Registered subscribers by name, each with its delivery state; dead letters also by id, the
    // key their list pages by.
    private final Map<String, SubscriberDeliveries> deliveries = new TreeMap<>();
    private final NavigableMap<Long, DeadLetter> deadLettersById = new TreeMap<>();
    private long lastDeadLetterId;

    private final OrderRecords orders = new OrdersView();
    private final ImportRecords imports = new ImportsView();
    private final RefundRecords refunds = new RefundsView();
    private final Outbox outbox = new OutboxView();
    private final NotificationRecords notifications = new NotificationsView();

    /** A store whose timestamps come from the system clock in UTC. */
    public MemoryRecordStore() {
        this(Clock.systemUTC());
    }

    /** A store whose timestamps ({@code createdAt}, {@code updatedAt}, {@code recordedAt}) come from {@code clock}. */
    public MemoryRecordStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public OrderRecords orders() {
        return orders;
    }

    @Override
    public ImportRecords imports() {
        return imports;
    }

    @Override
    public RefundRecords refunds() {
        return refunds;
    }

    @Override
    public Outbox outbox() {
        return outbox;
    }

    @Override
    public NotificationRecords notifications() {
        return notifications;
    }

    /** Nothing to release: the records live as long as this object. */
    @Override
    public void close() {
        // no resources
    }

    private <T> T read(Supplier<T> step) {
        return locked(lock.readLock(), step);
    }

    private <T> T write(Supplier<T> step) {
        return locked(lock.writeLock(), step);
    }

    private static <T> T locked(Lock held, Supplier<T> step) {
        held.lock();
        try {
            return step.get();
        } finally {
            held.unlock();
        }
    }

    // ---- writes; callers hold the write lock and have validated everything first ----

    private void storeOrder(Order order) {
        ordersById.put(order.id(), order);
        idByOrderNumber.put(order.orderNumber(), order.id());
        idsByCustomer.computeIfAbsent(order.customerId(), key -> new TreeSet<>()).add(order.id());
        idsByStatus.computeIfAbsent(order.status(), key -> new TreeSet<>()).add(order.id());
        idsByPlacedAt.computeIfAbsent(order.placedAt(), key -> new ArrayList<>(1)).add(order.id());
        lastOrderId = order.id();
    }

    private void replaceOrder(Order before, Order after) {
        ordersById.put(after.id(), after);
        if (before.status() != after.status()) {
            NavigableSet<Long> old = idsByStatus.get(before.status());
            old.remove(before.id());
            if (old.isEmpty()) {
                idsByStatus.remove(before.status());
            }
            idsByStatus.computeIfAbsent(after.status(), key -> new TreeSet<>()).add(after.id());
        }
    }

    private void appendEvents(long orderId, List<NewEvent> newEvents, Instant now) {
        for (NewEvent event : newEvents) {
            OutboxEvent stored = new OutboxEvent(lastSequence + 1, orderId, event.type(), event.data(), now);
            lastSequence = stored.sequence();
            events.put(stored.sequence(), stored);
            eventsByOrder.computeIfAbsent(orderId, key -> new ArrayList<>()).add(stored);
            for (SubscriberDeliveries subscriber : deliveries.values()) {
                if (subscriber.holdsBack(orderId)) {
                    subscriber.hold(stored.sequence());
                }
            }
        }
    }

    private ImportEntry importEntry(String importId) {
        ImportEntry entry = importsById.get(importId);
        if (entry == null) {
            throw new NoSuchElementException("No import with id " + importId);
        }
        return entry;
    }

    /** Whether the chunk {@code index} is the next one; false when it was applied before. */
    private static boolean isNextChunk(ImportRun run, long index) {
        if (index > run.chunksApplied()) {
            throw new ChunkOutOfOrderException(run.importId(), index, run.chunksApplied());
        }
        return index == run.chunksApplied();
    }

    /** Newest first: by {@code createdAt}, then by creation order. */
    private static final Comparator<ImportEntry> NEWEST_FIRST = Comparator
            .comparing((ImportEntry entry) -> entry.run.createdAt())
            .thenComparingLong(entry -> entry.insertion)
            .reversed();

    /** An import run with the bookkeeping the store keeps beside it. */
    private static final class ImportEntry {
        final long insertion;
        ImportRun run;
        /** In line order: chunks apply in file order and list their rows in file order. */
        final List<RejectedRow> rejected = new ArrayList<>();

        ImportEntry(long insertion, ImportRun run) {
            this.insertion = insertion;
            this.run = run;
        }
    }

    // ---- refunds: their state and view in one place, under the same lock as the orders ----

    // Refunds by refund_id, plus by insertion key (list order, page cursor) and per order.
    private final Map<String, RefundEntry> refundsById = new HashMap<>();
    private final NavigableMap<Long, RefundEntry> refundsByKey = new TreeMap<>();
    private final Map<Long, NavigableMap<Long, RefundEntry>> refundsByOrder = new HashMap<>();
    private long lastRefundKey;

    /** A refund with the insertion key the store pages it by. */
    private static final class RefundEntry {
        final long key;
        Refund refund;

        RefundEntry(long key, Refund refund) {
            this.key = key;
            this.refund = refund;
        }
    }

    private RefundEntry refundEntry(String refundId) {
        RefundEntry entry = refundsById.get(refundId);
        if (entry == null) {
            throw new NoSuchElementException("No refund with id " + refundId);
        }
        return entry;
    }

    /** The sum of the order's refunds in a status that {@code counts}. */
    private Money refundedSum(long orderId, Predicate<RefundStatus> counts) {
        Money sum = Money.ZERO;
        for (RefundEntry entry : refundsByOrder.getOrDefault(orderId, Collections.emptyNavigableMap()).values()) {
            if (counts.test(entry.refund.status())) {
                sum = sum.plus(entry.refund.amount());
            }
        }
        return sum;
    }

    private final class RefundsView implements RefundRecords {

        @Override
        public RefundOutcome begin(RefundRequest request) {
            Objects.requireNonNull(request, "request");
            return write(() -> {
                RefundEntry existing = refundsById.get(request.refundId());
                if (existing != null) {
                    if (!request.isAnsweredBy(existing.refund)) {
                        throw new RefundConflictException(existing.refund, request);
                    }
                    return new RefundOutcome(existing.refund, false);
                }
                Order order = ordersById.get(request.orderId());
                if (order == null) {
                    throw new NoSuchElementException("No order with id " + request.orderId());
                }
                RefundRules.checkRefundable(order);
                Money refundable = order.totalAmount()
                        .minus(refundedSum(order.id(), RefundStatus::countsAgainstRefundable));
                Money amount = RefundRules.amountFor(request, refundable);
                RefundEntry entry = new RefundEntry(lastRefundKey + 1, Refund.pending(request.refundId(), order,
                        request.type(), amount, request.reason(), clock.instant()));
                lastRefundKey = entry.key;
                refundsById.put(entry.refund.refundId(), entry);
                refundsByKey.put(entry.key, entry);
                refundsByOrder.computeIfAbsent(order.id(), key -> new TreeMap<>()).put(entry.key, entry);
                return new RefundOutcome(entry.refund, true);
            });
        }

        @Override
        public Optional<Refund> get(String refundId) {
            Objects.requireNonNull(refundId, "refundId");
            return read(() -> Optional.ofNullable(refundsById.get(refundId)).map(entry -> entry.refund));
        }

        @Override
        public List<Refund> ofOrder(long orderId) {
            return read(() -> refundsByOrder.getOrDefault(orderId, Collections.emptyNavigableMap()).values().stream()
                    .map(entry -> entry.refund)
                    .toList());
        }

        @Override
        public Set<Long> withCompletedRefunds(Collection<Long> orderIds) {
            Objects.requireNonNull(orderIds, "orderIds");
            return read(() -> {
                Set<Long> found = new HashSet<>();
                for (long orderId : orderIds) {
                    NavigableMap<Long, RefundEntry> ofOrder = refundsByOrder.get(orderId);
                    if (ofOrder != null && ofOrder.values().stream()
                            .anyMatch(entry -> entry.refund.status() == RefundStatus.COMPLETED)) {
                        found.add(orderId);
                    }
                }
                return found;
            });
        }

        @Override
        public Optional<Refund> markProcessing(String refundId) {
            Objects.requireNonNull(refundId, "refundId");
            return write(() -> {
                RefundEntry entry = refundEntry(refundId);
                if (entry.refund.status() != RefundStatus.PENDING) {
                    return Optional.empty();
                }
                entry.refund = entry.refund.processing(clock.instant());
                return Optional.of(entry.refund);
            });
        }

        @Override
        public Refund complete(String refundId, String paymentReference, Instant processedAt,
                List<NewEvent> newEvents) {
            Objects.requireNonNull(refundId, "refundId");
            Objects.requireNonNull(paymentReference, "paymentReference");
            Objects.requireNonNull(processedAt, "processedAt");
            List<NewEvent> toAppend = List.copyOf(newEvents);
            return write(() -> {
                RefundEntry entry = refundEntry(refundId);
                if (entry.refund.status() == RefundStatus.COMPLETED) {
                    return entry.refund;
                }
                // Prepare everything (each step may throw) before the first write.
                Instant now = clock.instant();
                Refund completed = entry.refund.completed(paymentReference, processedAt, now);
                Order order = ordersById.get(completed.orderId());
                Money refunded = refundedSum(order.id(), status -> status == RefundStatus.COMPLETED)
                        .plus(completed.amount());
                Order updated = order.withTransition(RefundRules.statusAfterRefund(order, refunded),
                        OrderChanges.none(), now);

                entry.refund = completed;
                replaceOrder(order, updated);
                appendEvents(order.id(), toAppend, now);
                return completed;
            });
        }

        @Override
        public Refund fail(String refundId, String failureReason, List<NewEvent> newEvents) {
            Objects.requireNonNull(refundId, "refundId");
            Objects.requireNonNull(failureReason, "failureReason");
            List<NewEvent> toAppend = List.copyOf(newEvents);
            return write(() -> {
                RefundEntry entry = refundEntry(refundId);
                if (entry.refund.status() == RefundStatus.FAILED) {
                    return entry.refund;
                }
                Instant now = clock.instant();
                entry.refund = entry.refund.failed(failureReason, now);
                appendEvents(entry.refund.orderId(), toAppend, now);
                return entry.refund;
            });
        }

        @Override
        public Page<Refund> list(RefundQuery query) {
            Objects.requireNonNull(query, "query");
            return read(() -> {
                NavigableMap<Long, RefundEntry> candidates = query.orderId() != null
                        ? refundsByOrder.getOrDefault(query.orderId(), Collections.emptyNavigableMap())
                        : refundsByKey;
                List<Refund> page = new ArrayList<>(Math.min(query.limit(), 1024));
                long lastKey = 0;
                // Look one match past the page so the last page says so, as the orders list does.
                boolean more = false;
                for (RefundEntry entry : candidates.headMap(query.beforeKey(), false).descendingMap().values()) {
                    if (!matches(entry.refund, query)) {
                        continue;
                    }
                    if (page.size() == query.limit()) {
                        more = true;
                        break;
                    }
                    page.add(entry.refund);
                    lastKey = entry.key;
                }
                return new Page<>(page, more ? OptionalLong.of(lastKey) : OptionalLong.empty());
            });
        }

        private boolean matches(Refund refund, RefundQuery query) {
            return (query.orderId() == null || refund.orderId() == query.orderId())
                    && (query.customerId() == null || refund.customerId().equals(query.customerId()))
                    && (query.status() == null || refund.status() == query.status())
                    && (query.type() == null || refund.type() == query.type());
        }

        @Override
        public List<Refund> processedBetween(Instant fromInclusive, Instant toExclusive) {
            Objects.requireNonNull(fromInclusive, "fromInclusive");
            Objects.requireNonNull(toExclusive, "toExclusive");
            return read(() -> refundsByKey.values().stream()
                    .map(entry -> entry.refund)
                    .filter(refund -> refund.status() == RefundStatus.COMPLETED)
                    .filter(refund -> !refund.processedAt().isBefore(fromInclusive)
                            && refund.processedAt().isBefore(toExclusive))
                    .sorted(Comparator.comparing(Refund::processedAt))
                    .toList());
        }

        @Override
        public List<Refund> unfinished() {
            return read(() -> refundsByKey.values().stream()
                    .map(entry -> entry.refund)
                    .filter(refund -> !refund.status().isFinished())
                    .toList());
        }
    }

    private final class OrdersView implements OrderRecords {

        @Override
        public Order insert(NewOrder order, List<NewEvent> newEvents) {
            Objects.requireNonNull(order, "order");
            List<NewEvent> toAppend = List.copyOf(newEvents);
            return write(() -> {
                if (idByOrderNumber.containsKey(order.orderNumber())) {
                    throw new DuplicateOrderException(order.orderNumber());
                }
                Instant now = clock.instant();
                Order stored = Order.create(lastOrderId + 1, order, now);
                storeOrder(stored);
                appendEvents(stored.id(), toAppend, now);
                return stored;
            });
        }

        @Override
        public ChunkOutcome insertChunk(ImportChunk chunk, ImportedOrderEvents eventsOf) {
            Objects.requireNonNull(chunk, "chunk");
            Objects.requireNonNull(eventsOf, "eventsOf");
            return write(() -> {
                ImportEntry entry = importEntry(chunk.importId());
                if (!isNextChunk(entry.run, chunk.index())) {
                    return new ChunkOutcome(false, List.of(), List.of(), entry.run);
                }
                Instant now = clock.instant();
                // Prepare the whole chunk first: eventsFor is caller code and may throw, and
                // nothing may be half-applied when it does.
                List<Order> inserted = new ArrayList<>();
                List<List<NewEvent>> insertedEvents = new ArrayList<>();
                List<String> skipped = new ArrayList<>();
                Set<String> seenInChunk = new HashSet<>();
                for (ImportChunk.Row row : chunk.orders()) {
                    String number = row.order().orderNumber();
                    if (idByOrderNumber.containsKey(number) || !seenInChunk.add(number)) {
                        skipped.add(number);
                        continue;
                    }
                    Order order = Order.create(lastOrderId + 1 + inserted.size(), row.order(), now);
                    inserted.add(order);
                    insertedEvents.add(List.copyOf(eventsOf.eventsFor(order)));
                }
                ImportCounters delta = new ImportCounters(chunk.rowsRead(), inserted.size(), skipped.size(),
                        chunk.rejected().size());
                ImportRun run = entry.run.withChunkApplied(delta, chunk.last(), now);

                for (int i = 0; i < inserted.size(); i++) {
                    storeOrder(inserted.get(i));
                    appendEvents(inserted.get(i).id(), insertedEvents.get(i), now);
                }
                entry.rejected.addAll(chunk.rejected());
                entry.run = run;
                return new ChunkOutcome(true, inserted, skipped, run);
            });
        }

        @Override
        public Optional<Order> get(long id) {
            return read(() -> Optional.ofNullable(ordersById.get(id)));
        }

        @Override
        public Optional<Order> byOrderNumber(String orderNumber) {
            Objects.requireNonNull(orderNumber, "orderNumber");
            return read(() -> Optional.ofNullable(idByOrderNumber.get(orderNumber)).map(ordersById::get));
        }

        @Override
        public Set<String> existingOrderNumbers(Collection<String> orderNumbers) {
            List<String> asked = List.copyOf(orderNumbers);
            return read(() -> {
                Set<String> existing = new HashSet<>();
                for (String number : asked) {
                    if (idByOrderNumber.containsKey(number)) {
                        existing.add(number);
                    }
                }
                return Collections.unmodifiableSet(existing);
            });
        }

        @Override
        public Page<Order> list(OrderQuery query) {
            Objects.requireNonNull(query, "query");
            return read(() -> {
                List<Order> page = new ArrayList<>(Math.min(query.limit(), 1024));
                Iterator<Long> candidates = candidatesNewestFirst(query);
                // Look one match past the page so the last page says so: no empty page to fetch.
                boolean more = false;
                while (candidates.hasNext()) {
                    Order order = ordersById.get(candidates.next());
                    if (!matches(order, query)) {
                        continue;
                    }
                    if (page.size() == query.limit()) {
                        more = true;
                        break;
                    }
                    page.add(order.withoutItems());
                }
                OptionalLong next = more ? OptionalLong.of(page.get(page.size() - 1).id()) : OptionalLong.empty();
                return new Page<>(page, next);
            });
        }

        @Override
        public List<Order> inProgress(Instant updatedBefore, long afterId, int limit) {
            Objects.requireNonNull(updatedBefore, "updatedBefore");
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be >= 1: " + limit);
            }
            return read(() -> {
                // Merge the ascending id sets of the in-progress statuses: a few small sets.
                NavigableSet<Long> candidates = new TreeSet<>();
                idsByStatus.forEach((status, ids) -> {
                    if (status.isInProgress()) {
                        candidates.addAll(ids.tailSet(afterId, false));
                    }
                });
                List<Order> found = new ArrayList<>(Math.min(limit, candidates.size()));
                for (long id : candidates) {
                    Order order = ordersById.get(id);
                    if (order.updatedAt().isBefore(updatedBefore)) {
                        found.add(order.withoutItems());
                        if (found.size() == limit) {
                            break;
                        }
                    }
                }
                return found;
            });
        }

        @Override
        public void forEachPlacedBetween(Instant from, Instant to, java.util.function.Consumer<Order> consumer) {
            Objects.requireNonNull(consumer, "consumer");
            // Copy under the lock, call back outside it: the consumer may be slow.
            List<Order> placed = read(() -> {
                List<Order> found = new ArrayList<>();
                idsByPlacedAt.subMap(from, true, to, false).values()
                        .forEach(ids -> ids.forEach(id -> found.add(ordersById.get(id))));
                return found;
            });
            placed.forEach(consumer);
        }

        /** Ids below {@code beforeId}, descending, from the most selective index the query allows. */
        private Iterator<Long> candidatesNewestFirst(OrderQuery query) {
            if (query.orderNumber() != null) {
                Long id = idByOrderNumber.get(query.orderNumber());
                return id != null && id < query.beforeId() ? List.of(id).iterator() : Collections.emptyIterator();
            }
            NavigableSet<Long> ids;
            if (query.customerId() != null) {
                ids = idsByCustomer.get(query.customerId());
            } else if (query.status() != null) {
                ids = idsByStatus.get(query.status());
            } else {
                return ordersById.headMap(query.beforeId(), false).descendingKeySet().iterator();
            }
            return ids == null ? Collections.emptyIterator() : ids.headSet(query.beforeId(), false).descendingIterator();
        }

        private boolean matches(Order order, OrderQuery query) {
            return (query.status() == null || order.status() == query.status())
                    && (query.customerId() == null || order.customerId().equals(query.customerId()))
                    && (query.orderNumber() == null || order.orderNumber().equals(query.orderNumber()));
        }

        @Override
        public Optional<Order> transition(long orderId, OrderStatus from, OrderStatus to, OrderChanges changes,
                List<NewEvent> newEvents) {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(changes, "changes");
            from.checkTransition(to);
            List<NewEvent> toAppend = List.copyOf(newEvents);
            return write(() -> {
                Order current = ordersById.get(orderId);
                if (current == null) {
                    throw new NoSuchElementException("No order with id " + orderId);
                }
                if (current.status() != from) {
                    return Optional.empty();
                }
                Instant now = clock.instant();
                Order updated = current.withTransition(to, changes, now);
                replaceOrder(current, updated);
                appendEvents(orderId, toAppend, now);
                return Optional.of(updated);
            });
        }
    }

    private final class ImportsView implements ImportRecords {

        @Override
        public ImportRun create(ImportRun run) {
            Objects.requireNonNull(run, "run");
            return write(() -> {
                if (importsById.containsKey(run.importId())) {
                    throw new IllegalArgumentException("An import with id " + run.importId() + " exists");
                }
                importsById.put(run.importId(), new ImportEntry(++lastImportInsertion, run));
                return run;
            });
        }

        @Override
        public Optional<ImportRun> get(String importId) {
            Objects.requireNonNull(importId, "importId");
            return read(() -> Optional.ofNullable(importsById.get(importId)).map(entry -> entry.run));
        }

        @Override
        public Optional<ImportRun> bySha256(String sha256) {
            Objects.requireNonNull(sha256, "sha256");
            return read(() -> importsById.values().stream()
                    .filter(entry -> entry.run.sha256().equals(sha256))
                    .filter(entry -> !entry.run.dryRun() && entry.run.state() != ImportState.FAILED)
                    .min(NEWEST_FIRST)
                    .map(entry -> entry.run));
        }

        @Override
        public List<ImportRun> recent(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be >= 0: " + limit);
            }
            return read(() -> importsById.values().stream()
                    .sorted(NEWEST_FIRST)
                    .limit(limit)
                    .map(entry -> entry.run)
                    .toList());
        }

        @Override
        public Page<ImportRun> page(long beforeKey, int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be >= 1: " + limit);
            }
            return read(() -> {
                List<ImportEntry> entries = importsById.values().stream()
                        .filter(entry -> entry.insertion < beforeKey)
                        .sorted(Comparator.comparingLong((ImportEntry entry) -> entry.insertion).reversed())
                        .limit(limit + 1L)
                        .toList();
                boolean more = entries.size() > limit;
                List<ImportEntry> shown = more ? entries.subList(0, limit) : entries;
                return new Page<>(shown.stream().map(entry -> entry.run).toList(),
                        more ? OptionalLong.of(shown.get(limit - 1).insertion) : OptionalLong.empty());
            });
        }

        @Override
        public List<ImportRun> unfinished() {
            return read(() -> importsById.values().stream()
                    .filter(entry -> !entry.run.state().isFinished())
                    .sorted(NEWEST_FIRST.reversed())
                    .map(entry -> entry.run)
                    .toList());
        }

        @Override
        public Optional<ImportRun> updateState(String importId, ImportState from, ImportState to,
                @Nullable String error) {
            Objects.requireNonNull(importId, "importId");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            return write(() -> {
                ImportEntry entry = importEntry(importId);
                if (entry.run.state() != from) {
                    return Optional.empty();
                }
                entry.run = entry.run.withState(to, to == ImportState.FAILED ? error : null, clock.instant());
                return Optional.of(entry.run);
            });
        }

        @Override
        public Optional<ImportRun> claim(String importId, @Nullable String expectedOwner, String owner, Instant now) {
            Objects.requireNonNull(importId, "importId");
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(now, "now");
            return write(() -> {
                ImportEntry entry = importEntry(importId);
                if (!Objects.equals(entry.run.owner(), expectedOwner)) {
                    return Optional.empty();
                }
                entry.run = entry.run.ownedBy(owner, now);
                return Optional.of(entry.run);
            });
        }

        @Override
        public Set<String> heartbeat(String owner, Collection<String> importIds, Instant now) {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(now, "now");
            return write(() -> {
                Set<String> beating = new HashSet<>();
                for (String id : importIds) {
                    ImportEntry entry = importsById.get(id);
                    if (entry != null && owner.equals(entry.run.owner()) && !entry.run.state().isFinished()) {
                        entry.run = entry.run.withHeartbeat(now);
                        beating.add(id);
                    }
                }
                return beating;
            });
        }

        @Override
        public ImportRun recordDryRunChunk(String importId, long index, ImportCounters delta,
                List<RejectedRow> rejected, boolean last) {
            Objects.requireNonNull(importId, "importId");
            Objects.requireNonNull(delta, "delta");
            List<RejectedRow> rows = List.copyOf(rejected);
            return write(() -> {
                ImportEntry entry = importEntry(importId);
                if (!isNextChunk(entry.run, index)) {
                    return entry.run;
                }
                entry.run = entry.run.withChunkApplied(delta, last, clock.instant());
                entry.rejected.addAll(rows);
                return entry.run;
            });
        }

        @Override
        public List<RejectedRow> rejectedRows(String importId, long offset, int limit) {
            Objects.requireNonNull(importId, "importId");
            if (offset < 0 || limit < 0) {
                throw new IllegalArgumentException("offset and limit must be >= 0: " + offset + ", " + limit);
            }
            return read(() -> {
                ImportEntry entry = importsById.get(importId);
                if (entry == null || offset >= entry.rejected.size()) {
                    return List.of();
                }
                int from = (int) offset;
                int to = (int) Math.min(entry.rejected.size(), offset + limit);
                return List.copyOf(entry.rejected.subList(from, to));
            });
        }

        @Override
        public int purgeFinished(Instant finishedBefore) {
            Objects.requireNonNull(finishedBefore, "finishedBefore");
            // Rejected rows live in the entry, so they go with it.
            return write(() -> {
                int before = importsById.size();
                importsById.values().removeIf(entry -> entry.run.state().isFinished()
                        && entry.run.finishedAt() != null && entry.run.finishedAt().isBefore(finishedBefore));
                return before - importsById.size();
            });
        }
    }

    private final class OutboxView implements Outbox {

        @Override
        public void registerSubscriber(String subscriber) {
            checkSubscriber(subscriber);
            write(() -> subscriber(subscriber));
        }

        @Override
        public List<String> subscribers() {
            return read(() -> List.copyOf(deliveries.keySet()));
        }

        /** The subscriber's state, registering it; the caller holds the write lock. */
        private SubscriberDeliveries subscriber(String name) {
            return deliveries.computeIfAbsent(name, SubscriberDeliveries::new);
        }

        @Override
        public List<OutboxEvent> pending(String subscriber, int limit) {
            Objects.requireNonNull(subscriber, "subscriber");
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be >= 0: " + limit);
            }
            return read(() -> {
                SubscriberDeliveries state = deliveries.get(subscriber);
                List<OutboxEvent> page = new ArrayList<>(Math.min(limit, 1024));
                if (state == null) {
                    events.values().stream().limit(limit).forEach(page::add);
                    return List.copyOf(page);
                }
                // Two sorted sources merged: events owed below the checkpoint (redelivered, or
                // released from behind a dead letter) and the events above it not yet covered.
                Iterator<Long> owed = state.owed().iterator();
                Iterator<OutboxEvent> fresh = events.tailMap(state.covered().upTo() + 1, true).values().iterator();
                OutboxEvent nextOwed = nextDeliverableOwed(owed, state);
                OutboxEvent nextFresh = nextUncovered(fresh, state);
                while (page.size() < limit && (nextOwed != null || nextFresh != null)) {
                    if (nextFresh == null || (nextOwed != null && nextOwed.sequence() < nextFresh.sequence())) {
                        page.add(nextOwed);
                        nextOwed = nextDeliverableOwed(owed, state);
                    } else {
                        page.add(nextFresh);
                        nextFresh = nextUncovered(fresh, state);
                    }
                }
                return List.copyOf(page);
            });
        }

        private OutboxEvent nextDeliverableOwed(Iterator<Long> owed, SubscriberDeliveries state) {
            while (owed.hasNext()) {
                OutboxEvent event = events.get(owed.next());
                if (event != null && state.isDeliverable(event.orderId(), event.sequence())) {
                    return event;
                }
            }
            return null;
        }

        private OutboxEvent nextUncovered(Iterator<OutboxEvent> fresh, SubscriberDeliveries state) {
            while (fresh.hasNext()) {
                OutboxEvent event = fresh.next();
                if (!state.covered().isDelivered(event.sequence())) {
                    return event;
                }
            }
            return null;
        }

        @Override
        public void markDelivered(String subscriber, long fence, Collection<Long> sequences) {
            checkSubscriber(subscriber);
            List<Long> marked = List.copyOf(sequences);
            write(() -> {
                SubscriberDeliveries state = subscriber(subscriber);
                state.fence(fence);
                for (long sequence : marked) {
                    if (sequence < 1 || sequence > lastSequence) {
                        continue; // unknown: never appended, so it must not hide a future event
                    }
                    DeadLetter resolved = state.markDelivered(sequence);
                    if (resolved != null) {
                        deadLettersById.remove(resolved.id());
                    }
                }
                return null;
            });
        }

        @Override
        public void deadLetter(String subscriber, long fence, long sequence, String error) {
            checkSubscriber(subscriber);
            Objects.requireNonNull(error, "error");
            write(() -> {
                OutboxEvent event = events.get(sequence);
                if (event == null) {
                    throw new NoSuchElementException("No outbox event " + sequence);
                }
                SubscriberDeliveries state = subscriber(subscriber);
                state.fence(fence);
                DeadLetter letter = new DeadLetter(++lastDeadLetterId, subscriber, event, error, clock.instant());
                DeadLetter replaced = state.deadLetter(letter);
                if (replaced != null) {
                    deadLettersById.remove(replaced.id());
                }
                deadLettersById.put(letter.id(), letter);
                for (OutboxEvent later : eventsByOrder.get(event.orderId())) {
                    if (later.sequence() > sequence) {
                        state.hold(later.sequence());
                    }
                }
                return null;
            });
        }

        @Override
        public Page<DeadLetter> deadLetters(@Nullable String subscriber, long beforeId, int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be >= 1: " + limit);
            }
            return read(() -> {
                List<DeadLetter> page = new ArrayList<>(Math.min(limit, 1024));
                for (DeadLetter letter : deadLettersById.headMap(beforeId, false).descendingMap().values()) {
                    if (subscriber == null || subscriber.equals(letter.subscriber())) {
                        if (page.size() == limit) {
                            return new Page<>(page, OptionalLong.of(page.get(limit - 1).id()));
                        }
                        page.add(letter);
                    }
                }
                return new Page<>(page, OptionalLong.empty());
            });
        }

        @Override
        public long deadLetterCount(String subscriber) {
            return read(() -> {
                SubscriberDeliveries state = deliveries.get(subscriber);
                return state == null ? 0L : state.deadLetters().size();
            });
        }

        @Override
        public boolean redeliver(String subscriber, long sequence) {
            return write(() -> {
                SubscriberDeliveries state = deliveries.get(subscriber);
                DeadLetter letter = state == null ? null : state.removeDeadLetter(sequence);
                if (letter != null) {
                    deadLettersById.remove(letter.id());
                }
                return letter != null;
            });
        }

        @Override
        public int redeliverAll(@Nullable String subscriber) {
            return write(() -> {
                int redelivered = 0;
                for (SubscriberDeliveries state : deliveries.values()) {
                    for (DeadLetter letter : List.copyOf(state.deadLetters().values())) {
                        if (subscriber == null || subscriber.equals(letter.subscriber())) {
                            state.removeDeadLetter(letter.event().sequence());
                            deadLettersById.remove(letter.id());
                            redelivered++;
                        }
                    }
                }
                return redelivered;
            });
        }

        @Override
        public boolean resolveDeadLetter(String subscriber, long sequence) {
            return write(() -> {
                SubscriberDeliveries state = deliveries.get(subscriber);
                if (state == null || state.deadLetter(sequence) == null) {
                    return false;
                }
                deadLettersById.remove(state.markDelivered(sequence).id());
                return true;
            });
        }

        @Override
        public List<OutboxEvent> eventsOf(long orderId) {
            return read(() -> List.copyOf(eventsByOrder.getOrDefault(orderId, List.of())));
        }

        @Override
        public OutboxPosition position() {
            // Sequences are taken and made visible under the write lock, so the last one is a
            // position no later event can pass.
            return read(() -> new OutboxPosition(lastSequence));
        }

        @Override
        public List<OutboxEvent> recordedAfter(OutboxPosition position, int limit) {
            Objects.requireNonNull(position, "position");
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be >= 0: " + limit);
            }
            return read(() -> events.tailMap(position.sequence(), false).values().stream().limit(limit).toList());
        }

        @Override
        public int purgeDelivered(Instant recordedBefore) {
            Objects.requireNonNull(recordedBefore, "recordedBefore");
            return write(() -> {
                if (deliveries.isEmpty()) {
                    return 0;
                }
                List<SubscriberDeliveries> states = List.copyOf(deliveries.values());
                long deliveredToAll = Long.MAX_VALUE;
                for (SubscriberDeliveries state : states) {
                    deliveredToAll = Math.min(deliveredToAll, state.covered().highest());
                }
                // Nothing above the lowest "highest covered" can be delivered to all: stop there.
                Map<Long, Set<Long>> purgedByOrder = new HashMap<>();
                Iterator<OutboxEvent> candidates = events.headMap(deliveredToAll, true).values().iterator();
                int purged = 0;
                while (candidates.hasNext()) {
                    OutboxEvent event = candidates.next();
                    if (event.recordedAt().isBefore(recordedBefore)
                            && states.stream().allMatch(state -> state.isDelivered(event.sequence()))) {
                        candidates.remove();
                        purgedByOrder.computeIfAbsent(event.orderId(), key -> new HashSet<>()).add(event.sequence());
                        purged++;
                    }
                }
                purgedByOrder.forEach((orderId, sequences) -> {
                    List<OutboxEvent> trail = eventsByOrder.get(orderId);
                    trail.removeIf(event -> sequences.contains(event.sequence()));
                    if (trail.isEmpty()) {
                        eventsByOrder.remove(orderId);
                    }
                });
                return purged;
            });
        }

        private static void checkSubscriber(String subscriber) {
            Objects.requireNonNull(subscriber, "subscriber");
            if (subscriber.isBlank()) {
                throw new IllegalArgumentException("A subscriber name must not be blank");
            }
        }
    }

    // ---- notifications: their records, indexes and view, kept in one block ----

    // By id for keyset paging; the unique key and the list filters each have an index.
    private final NavigableMap<Long, Notification> notificationsById = new TreeMap<>();
    private final Map<String, Long> notificationIdByKey = new HashMap<>();
    private final Map<Long, NavigableSet<Long>> notificationIdsByOrder = new HashMap<>();
    private final Map<String, NavigableSet<Long>> notificationIdsByCustomer = new HashMap<>();
    /** Ids of notifications without an attempt yet: the start-up sweep reads them. */
    private final NavigableSet<Long> pendingNotificationIds = new TreeSet<>();
    private long lastNotificationId;

    private static <K> void removeIndexed(Map<K, NavigableSet<Long>> index, K key, long id) {
        NavigableSet<Long> ids = index.get(key);
        if (ids != null && ids.remove(id) && ids.isEmpty()) {
            index.remove(key);
        }
    }

    private final class NotificationsView implements NotificationRecords {

        @Override
        public Created createIfAbsent(NewNotification notification) {
            Objects.requireNonNull(notification, "notification");
            String key = notification.uniqueKey();
            return write(() -> {
                Long existing = notificationIdByKey.get(key);
                if (existing != null) {
                    return new Created(notificationsById.get(existing), false);
                }
                Notification stored = Notification.create(lastNotificationId + 1, notification, clock.instant());
                lastNotificationId = stored.id();
                notificationsById.put(stored.id(), stored);
                notificationIdByKey.put(key, stored.id());
                notificationIdsByOrder.computeIfAbsent(stored.orderId(), id -> new TreeSet<>()).add(stored.id());
                notificationIdsByCustomer.computeIfAbsent(stored.customerId(), id -> new TreeSet<>()).add(stored.id());
                pendingNotificationIds.add(stored.id());
                return new Created(stored, true);
            });
        }

        @Override
        public Optional<Notification> get(long id) {
            return read(() -> Optional.ofNullable(notificationsById.get(id)));
        }

        @Override
        public Notification recordAttempt(long id, boolean sent, @Nullable String error, Instant at) {
            Objects.requireNonNull(at, "at");
            return write(() -> {
                Notification current = notificationsById.get(id);
                if (current == null) {
                    throw new NoSuchElementException("No notification with id " + id);
                }
                Notification updated = current.withAttempt(sent, error, at);
                notificationsById.put(id, updated);
                pendingNotificationIds.remove(id);
                return updated;
            });
        }

        @Override
        public Page<Notification> list(NotificationQuery query) {
            Objects.requireNonNull(query, "query");
            return read(() -> {
                List<Notification> page = new ArrayList<>(Math.min(query.limit(), 1024));
                Iterator<Long> candidates = candidatesNewestFirst(query);
                // One match past the page tells whether another page exists, as orders do.
                boolean more = false;
                while (candidates.hasNext()) {
                    Notification notification = notificationsById.get(candidates.next());
                    if (!matches(notification, query)) {
                        continue;
                    }
                    if (page.size() == query.limit()) {
                        more = true;
                        break;
                    }
                    page.add(notification);
                }
                OptionalLong next = more ? OptionalLong.of(page.get(page.size() - 1).id()) : OptionalLong.empty();
                return new Page<>(page, next);
            });
        }

        /** Ids below {@code beforeId}, descending, from the most selective index the query allows. */
        private Iterator<Long> candidatesNewestFirst(NotificationQuery query) {
            NavigableSet<Long> ids;
            if (query.orderId() != null) {
                ids = notificationIdsByOrder.get(query.orderId());
            } else if (query.customerId() != null) {
                ids = notificationIdsByCustomer.get(query.customerId());
            } else if (query.state() == NotificationState.PENDING) {
                ids = pendingNotificationIds;
            } else {
                return notificationsById.headMap(query.beforeId(), false).descendingKeySet().iterator();
            }
            return ids == null ? Collections.emptyIterator() : ids.headSet(query.beforeId(), false).descendingIterator();
        }

        private boolean matches(Notification notification, NotificationQuery query) {
            return (query.orderId() == null || notification.orderId() == query.orderId())
                    && (query.customerId() == null || notification.customerId().equals(query.customerId()))
                    && (query.type() == null || notification.type() == query.type())
                    && (query.state() == null || notification.state() == query.state());
        }

        @Override
        public List<Notification> pending() {
            return read(() -> pendingNotificationIds.stream().map(notificationsById::get).toList());
        }

        @Override
        public int purgeFinished(Instant updatedBefore) {
            Objects.requireNonNull(updatedBefore, "updatedBefore");
            return write(() -> {
                Set<Long> purged = new HashSet<>();
                Iterator<Notification> all = notificationsById.values().iterator();
                while (all.hasNext()) {
                    Notification notification = all.next();
                    if (notification.state() == NotificationState.PENDING
                            || !notification.updatedAt().isBefore(updatedBefore)) {
                        continue;
                    }
                    all.remove();
                    removeIndexed(notificationIdsByOrder, notification.orderId(), notification.id());
                    removeIndexed(notificationIdsByCustomer, notification.customerId(), notification.id());
                    purged.add(notification.id());
                }
                // The keys go too, in one pass: their events were delivered long ago, so no
                // redelivery brings these notifications back.
                if (!purged.isEmpty()) {
                    notificationIdByKey.values().removeIf(purged::contains);
                }
                return purged.size();
            });
        }
    }
}
