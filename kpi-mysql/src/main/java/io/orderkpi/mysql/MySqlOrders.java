package io.orderkpi.mysql;

import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.imports.ChunkOutcome;
import io.orderkpi.core.imports.ImportChunk;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.spi.DuplicateOrderException;
import io.orderkpi.core.spi.ImportedOrderEvents;
import io.orderkpi.core.spi.OrderQuery;
import io.orderkpi.core.spi.OrderRecords;
import io.orderkpi.core.spi.Page;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.result.ResultIterable;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

/** The orders view of {@link MySqlRecordStore}. */
final class MySqlOrders implements OrderRecords {

    /** Order numbers per {@code IN (...)} list: large enough for a chunk, small enough for a packet. */
    private static final int IN_LIST = 1000;

    private static final String INSERT_ORDER = "INSERT INTO orders (order_number, customer_id, customer_name, "
            + "customer_email, status, total_cents, currency, placed_at, import_id, import_chunk, created_at, "
            + "updated_at) VALUES (:orderNumber, :customerId, :customerName, :customerEmail, :status, :totalCents, "
            + ":currency, :placedAt, :importId, :importChunk, :now, :now)";

    /** {@link #INSERT_ORDER} with positional parameters. */
    private static final String CHUNK_ORDER = "INSERT INTO orders (order_number, customer_id, customer_name, "
            + "customer_email, status, total_cents, currency, placed_at, import_id, import_chunk, created_at, "
            + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** The columns of an order an import stores, in {@link #loadOrders}' field order. */
    private static final String ORDER_COLUMNS = "order_number, customer_id, customer_name, customer_email, status, "
            + "total_cents, currency, placed_at, import_id, import_chunk, created_at, updated_at";
    private static final String ITEM_COLUMNS = "order_id, line_no, product_id, product_name, sku, quantity, "
            + "unit_price_cents";

    private final Db db;
    private final BulkLoad bulkLoad = new BulkLoad();
    private final MySqlOutbox outbox;
    private final MySqlImports imports;

    MySqlOrders(Db db, MySqlOutbox outbox, MySqlImports imports) {
        this.db = db;
        this.outbox = outbox;
        this.imports = imports;
    }

    @Override
    public Order insert(NewOrder order, List<NewEvent> events) {
        Objects.requireNonNull(order, "order");
        List<NewEvent> toAppend = List.copyOf(events);
        return db.inTransaction(handle -> {
            Instant now = db.now();
            long id;
            try {
                id = bindOrder(handle.createUpdate(INSERT_ORDER), order, now)
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            } catch (JdbiException e) {
                if (Db.isDuplicateKey(e)) {
                    throw new DuplicateOrderException(order.orderNumber());
                }
                throw e;
            }
            Order stored = stored(id, order, now);
            insertItems(handle, List.of(stored));
            outbox.appendAndCommit(handle, id, toAppend, now);
            return stored;
        });
    }

    @Override
    public ChunkOutcome insertChunk(ImportChunk chunk, ImportedOrderEvents eventsOf) {
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(eventsOf, "eventsOf");
        return db.inTransaction(handle -> {
            ImportRun run = imports.lockRun(handle, chunk.importId());
            if (!MySqlImports.isNextChunk(run, chunk.index())) {
                return new ChunkOutcome(false, List.of(), List.of(), run);
            }
            Instant now = db.now();
            // First occurrence wins inside the chunk.
            Map<String, NewOrder> candidates = new LinkedHashMap<>();
            for (ImportChunk.Row row : chunk.orders()) {
                candidates.putIfAbsent(row.order().orderNumber(), row.order());
            }
            Path directory = bulkLoad.directory(handle);
            Map<String, Long> insertedIds;
            try {
                insertedIds = directory != null ? loadOrders(handle, directory, chunk, candidates.values(), now)
                        : insertOrders(handle, chunk, candidates, now);
            } catch (BulkLoad.Refused e) {
                throw new Db.Conflict(e); // from the start, with INSERTs
            }
            List<Order> inserted = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (ImportChunk.Row row : chunk.orders()) {
                String number = row.order().orderNumber();
                Long id = insertedIds.get(number);
                if (id != null && seen.add(number)) {
                    inserted.add(stored(id, row.order(), now));
                } else {
                    skipped.add(number);
                }
            }
            if (directory != null) {
                loadItems(handle, directory, inserted);
            } else {
                insertItems(handle, inserted);
            }
            List<MySqlOutbox.Append> appends = new ArrayList<>();
            for (Order order : inserted) {
                for (NewEvent event : eventsOf.eventsFor(order)) {
                    appends.add(new MySqlOutbox.Append(order.id(), event));
                }
            }
            ImportCounters delta = new ImportCounters(chunk.rowsRead(), inserted.size(), skipped.size(),
                    chunk.rejected().size());
            ImportRun after = run.withChunkApplied(delta, chunk.last(), now);
            imports.insertRejected(handle, run.importId(), chunk.rejected());
            imports.updateRun(handle, after);
            outbox.appendAndCommit(handle, appends, now);
            return new ChunkOutcome(true, inserted, skipped, after);
        });
    }

    /**
     * Skip-existing with INSERTs: the numbers already stored are left out; the rest go in multi-row
     * statements (rewriteBatchedStatements). A number another import commits in between fails the
     * insert on the unique key, and the whole step runs again (Db.Conflict). Cheaper than INSERT ...
     * ON DUPLICATE KEY UPDATE, which costs the server twice as much. Returns the ids by number.
     */
    private static Map<String, Long> insertOrders(Handle handle, ImportChunk chunk, Map<String, NewOrder> candidates,
            Instant now) {
        Set<String> existing = existing(handle, List.copyOf(candidates.keySet()));
        List<NewOrder> fresh = candidates.values().stream()
                .filter(order -> !existing.contains(order.orderNumber())).toList();
        try {
            Db.batch(handle, CHUNK_ORDER, fresh, (statement, order) -> {
                bindOrder(statement, order, now);
                statement.setString(9, chunk.importId());
                statement.setLong(10, chunk.index());
            });
        } catch (Db.BatchFailure e) {
            throw Db.isDuplicateKey(e) ? new Db.Conflict(e) : e;
        }
        Map<String, Long> insertedIds = new HashMap<>();
        for (List<String> numbers : partition(fresh.stream().map(NewOrder::orderNumber).toList())) {
            handle.createQuery("SELECT id, order_number FROM orders WHERE order_number IN (<numbers>)")
                    .bindList("numbers", numbers)
                    .map((row, context) -> Map.entry(row.getString("order_number"), row.getLong("id")))
                    .forEach(entry -> insertedIds.put(entry.getKey(), entry.getValue()));
        }
        return insertedIds;
    }

    /**
     * Skip-existing with {@code LOAD DATA}: the server skips the numbers already stored (it waits for
     * a transaction that holds one, as with an INSERT), so no number is looked up first. The ids
     * are read back by chunk, past the highest id committed before the load: every id the load
     * assigns is above it, whatever the AUTO_INCREMENT lock mode, so the read walks only the
     * primary key's newest rows.
     */
    private Map<String, Long> loadOrders(Handle handle, Path directory, ImportChunk chunk,
            Collection<NewOrder> candidates, Instant now) {
        long highestBefore = handle.createQuery("SELECT COALESCE(MAX(id), 0) FROM orders").mapTo(Long.class).one();
        String created = Db.datetime(now);
        BulkLoad.Tsv rows = new BulkLoad.Tsv();
        for (NewOrder order : candidates) {
            rows.field(order.orderNumber()).field(order.customerId()).field(order.customerName())
                    .field(order.customerEmail()).field(Rows.wire(order.status()))
                    .field(order.totalAmount().cents()).field(order.currency())
                    .field(Db.datetime(order.placedAt())).field(chunk.importId()).field(chunk.index())
                    .field(created).field(created).endRow();
        }
        bulkLoad.load(handle, directory, "orders", ORDER_COLUMNS, rows, rows.count());
        Map<String, Long> insertedIds = new HashMap<>();
        handle.createQuery("SELECT id, order_number FROM orders WHERE id > :after AND import_id = :importId "
                + "AND import_chunk = :chunk")
                .bind("after", highestBefore).bind("importId", chunk.importId()).bind("chunk", chunk.index())
                .map((row, context) -> Map.entry(row.getString("order_number"), row.getLong("id")))
                .forEach(entry -> insertedIds.put(entry.getKey(), entry.getValue()));
        return insertedIds;
    }

    private void loadItems(Handle handle, Path directory, List<Order> orders) {
        BulkLoad.Tsv rows = new BulkLoad.Tsv();
        for (Order order : orders) {
            for (int line = 0; line < order.items().size(); line++) {
                OrderItem item = order.items().get(line);
                rows.field(order.id()).field(line + 1).field(item.productId()).field(item.productName())
                        .field(item.sku()).field(item.quantity()).field(item.unitPrice().cents()).endRow();
            }
        }
        if (rows.count() > 0) {
            bulkLoad.load(handle, directory, "order_items", ITEM_COLUMNS, rows, 0);
        }
    }

    @Override
    public Optional<Order> get(long id) {
        return db.read(handle -> load(handle, "o.id = :key", id));
    }

    @Override
    public Optional<Order> byOrderNumber(String orderNumber) {
        Objects.requireNonNull(orderNumber, "orderNumber");
        return db.read(handle -> load(handle, "o.order_number = :key", orderNumber));
    }

    @Override
    public Set<String> existingOrderNumbers(Collection<String> orderNumbers) {
        List<String> asked = List.copyOf(new HashSet<>(orderNumbers));
        return asked.isEmpty() ? Set.of() : db.read(handle -> Set.copyOf(existing(handle, asked)));
    }

    /** Which of {@code numbers} are stored (committed, or written by this transaction). */
    private static Set<String> existing(Handle handle, List<String> numbers) {
        Set<String> existing = new HashSet<>();
        for (List<String> part : partition(numbers)) {
            existing.addAll(handle.createQuery("SELECT order_number FROM orders WHERE order_number IN (<numbers>)")
                    .bindList("numbers", part).mapTo(String.class).list());
        }
        return existing;
    }

    @Override
    public Page<Order> list(OrderQuery query) {
        Objects.requireNonNull(query, "query");
        PageQuery select = new PageQuery("SELECT " + Rows.ORDER_COLUMNS + " FROM orders o", "id", query.beforeId())
                .filter("status", query.status())
                .filter("customer_id", query.customerId())
                .filter("order_number", query.orderNumber());
        List<Order> rows = db.read(handle -> select.fetch(handle, query.limit(),
                (row, context) -> Rows.order(row, List.of())));
        return PageQuery.page(rows, query.limit(), Order::id);
    }

    /** Walks the {@code (status, id)} index of each in-progress status from {@code afterId}. */
    @Override
    public List<Order> inProgress(Instant updatedBefore, long afterId, int limit) {
        Objects.requireNonNull(updatedBefore, "updatedBefore");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1: " + limit);
        }
        List<String> statuses = Arrays.stream(OrderStatus.values()).filter(OrderStatus::isInProgress)
                .map(Rows::wire).toList();
        // A cutoff past the column's range (Instant.MAX: "any age") is no condition.
        boolean anyAge = updatedBefore.isAfter(Db.LATEST);
        // One walk of the (status, id) index per status, merged: with "status IN (…) ORDER BY id"
        // the server walks the primary key instead, past every finished order (docs/mysql.md).
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < statuses.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("(SELECT ").append(Rows.ORDER_COLUMNS)
                    .append(" FROM orders o FORCE INDEX (ix_orders_status) WHERE o.status = :status").append(i)
                    .append(" AND o.id > :afterId").append(anyAge ? "" : " AND o.updated_at < :before")
                    .append(" ORDER BY o.id LIMIT :limit)");
        }
        sql.append(" ORDER BY id LIMIT :limit");
        return db.read(handle -> {
            Query query = handle.createQuery(sql.toString());
            for (int i = 0; i < statuses.size(); i++) {
                query.bind("status" + i, statuses.get(i));
            }
            return query.bind("afterId", afterId)
                    .bind("before", Db.at(anyAge ? Db.LATEST : updatedBefore))
                    .bind("limit", limit)
                    .map((row, context) -> Rows.order(row, List.of()))
                    .list();
        });
    }

    /**
     * Streams the orders with their items in one forward-only result (fetch size
     * {@code Integer.MIN_VALUE}: the driver hands over rows as they arrive, never the whole result).
     * Ordered by the {@code (placed_at, id)} index, so an order's item rows arrive together.
     */
    @Override
    public void forEachPlacedBetween(Instant from, Instant to, Consumer<Order> consumer) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(consumer, "consumer");
        db.read(handle -> {
            ResultIterable<ItemRow> rows = handle.createQuery("SELECT " + Rows.ORDER_COLUMNS + ", "
                    + Rows.ITEM_COLUMNS + " FROM orders o JOIN order_items i ON i.order_id = o.id "
                    + "WHERE o.placed_at >= :from AND o.placed_at < :to ORDER BY o.placed_at, o.id")
                    .bind("from", Db.at(from))
                    .bind("to", Db.at(to))
                    .setFetchSize(Integer.MIN_VALUE)
                    .map((row, context) -> new ItemRow(Rows.order(row, List.of()), row.getInt("line_no"),
                            Rows.item(row)));
            OrderAssembler assembler = new OrderAssembler(consumer);
            rows.forEach(assembler::accept);
            assembler.flush();
            return null;
        });
    }

    /** One row of the join: an order (without items) and one of its items. */
    private record ItemRow(Order order, int lineNo, OrderItem item) {
    }

    /** Joins consecutive item rows of one order into the order, in line order. */
    private static final class OrderAssembler {
        private final Consumer<Order> consumer;
        private @Nullable Order current;
        private final Map<Integer, OrderItem> items = new TreeMap<>();

        OrderAssembler(Consumer<Order> consumer) {
            this.consumer = consumer;
        }

        void accept(ItemRow row) {
            if (current != null && current.id() != row.order().id()) {
                flush();
            }
            current = row.order();
            items.put(row.lineNo(), row.item());
        }

        void flush() {
            Order done = current;
            if (done != null) {
                consumer.accept(withItems(done, List.copyOf(items.values())));
                current = null;
                items.clear();
            }
        }
    }

    @Override
    public Optional<Order> transition(long orderId, OrderStatus from, OrderStatus to, OrderChanges changes,
            List<NewEvent> events) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(changes, "changes");
        from.checkTransition(to);
        List<NewEvent> toAppend = List.copyOf(events);
        return db.inTransaction(handle -> {
            Instant now = db.now();
            // The compare-and-set: only an order still in `from` moves; its row stays locked until commit.
            // By primary key: left alone, MariaDB may walk the (status, id) index it is changing.
            int moved = handle.createUpdate("UPDATE orders FORCE INDEX (PRIMARY) SET status = :to, updated_at = :now, "
                    + "reserved_at = COALESCE(:reservedAt, reserved_at), paid_at = COALESCE(:paidAt, paid_at), "
                    + "failed_at = COALESCE(:failedAt, failed_at), "
                    + "failure_reason = COALESCE(:failureReason, failure_reason), "
                    + "payment_reference = COALESCE(:paymentReference, payment_reference) "
                    + "WHERE id = :id AND status = :from")
                    .bind("to", Rows.wire(to))
                    .bind("now", Db.at(now))
                    .bind("reservedAt", Db.at(changes.reservedAt()))
                    .bind("paidAt", Db.at(changes.paidAt()))
                    .bind("failedAt", Db.at(changes.failedAt()))
                    .bind("failureReason", changes.failureReason())
                    .bind("paymentReference", changes.paymentReference())
                    .bind("id", orderId)
                    .bind("from", Rows.wire(from))
                    .execute();
            if (moved == 0) {
                if (handle.createQuery("SELECT COUNT(*) FROM orders WHERE id = :id").bind("id", orderId)
                        .mapTo(Long.class).one() == 0) {
                    throw new NoSuchElementException("No order with id " + orderId);
                }
                return Optional.<Order>empty();
            }
            // Read before the append: the outbox counter stays locked from the append to the commit.
            Optional<Order> after = load(handle, "o.id = :key", orderId);
            outbox.appendAndCommit(handle, orderId, toAppend, now);
            return after;
        });
    }

    /**
     * The order of {@code where} (bound as {@code :key}) with its items, in one round trip (every
     * row of the join repeats the order's columns); also inside a transaction.
     */
    static Optional<Order> load(Handle handle, String where, Object key) {
        return handle.createQuery("SELECT " + Rows.ORDER_COLUMNS + ", " + Rows.ITEM_COLUMNS
                + " FROM orders o LEFT JOIN order_items i ON i.order_id = o.id WHERE " + where + " ORDER BY i.line_no")
                .bind("key", key)
                .scanResultSet((rows, context) -> {
                    ResultSet row = rows.get();
                    if (!row.next()) {
                        return Optional.<Order>empty();
                    }
                    Order order = Rows.order(row, List.of());
                    List<OrderItem> items = new ArrayList<>();
                    do {
                        if (row.getObject("order_id") != null) {
                            items.add(Rows.item(row));
                        }
                    } while (row.next());
                    return Optional.of(withItems(order, items));
                });
    }

    private static Order withItems(Order order, List<OrderItem> items) {
        return new Order(order.id(), order.orderNumber(), order.customerId(), order.customerName(),
                order.customerEmail(), order.status(), order.totalAmount(), order.currency(), items, order.placedAt(),
                order.reservedAt(), order.paidAt(), order.failedAt(), order.failureReason(), order.paymentReference(),
                order.createdAt(), order.updatedAt());
    }

    /** The order as stored: the instants at the microsecond the columns keep. */
    private static Order stored(long id, NewOrder order, Instant now) {
        return new Order(id, order.orderNumber(), order.customerId(), order.customerName(), order.customerEmail(),
                order.status(), order.totalAmount(), order.currency(), order.items(), Db.micros(order.placedAt()),
                null, null, null, null, null, now, now);
    }

    private static <S extends SqlStatement<S>> S bindOrder(S statement, NewOrder order,
            Instant now) {
        return statement.bind("orderNumber", order.orderNumber())
                .bind("customerId", order.customerId())
                .bind("customerName", order.customerName())
                .bind("customerEmail", order.customerEmail())
                .bind("status", Rows.wire(order.status()))
                .bind("totalCents", order.totalAmount().cents())
                .bind("currency", order.currency())
                .bind("placedAt", Db.at(order.placedAt()))
                .bind("importId", (String) null)
                .bind("importChunk", (Long) null)
                .bind("now", Db.at(now));
    }

    /** Positional parameters 1-8, 11 and 12 of an order insert; 9 and 10 name the import chunk. */
    private static void bindOrder(PreparedStatement statement, NewOrder order, Instant now) throws SQLException {
        statement.setString(1, order.orderNumber());
        statement.setString(2, order.customerId());
        statement.setString(3, order.customerName());
        statement.setString(4, order.customerEmail());
        statement.setString(5, Rows.wire(order.status()));
        statement.setLong(6, order.totalAmount().cents());
        statement.setString(7, order.currency());
        statement.setString(8, Db.datetime(order.placedAt()));
        statement.setString(11, Db.datetime(now));
        statement.setString(12, Db.datetime(now));
    }

    /** A line of an order, for the items batch. */
    private record Line(long orderId, int lineNo, OrderItem item) {
    }

    private static void insertItems(Handle handle, List<Order> orders) {
        List<Line> lines = new ArrayList<>();
        for (Order order : orders) {
            for (int line = 0; line < order.items().size(); line++) {
                lines.add(new Line(order.id(), line + 1, order.items().get(line)));
            }
        }
        Db.batch(handle, "INSERT INTO order_items (" + ITEM_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)", lines, (statement, line) -> {
                    statement.setLong(1, line.orderId());
                    statement.setInt(2, line.lineNo());
                    statement.setString(3, line.item().productId());
                    statement.setString(4, line.item().productName());
                    statement.setString(5, line.item().sku());
                    statement.setInt(6, line.item().quantity());
                    statement.setLong(7, line.item().unitPrice().cents());
                });
    }

    static <T> List<List<T>> partition(List<T> values) {
        List<List<T>> parts = new ArrayList<>();
        for (int from = 0; from < values.size(); from += IN_LIST) {
            parts.add(values.subList(from, Math.min(values.size(), from + IN_LIST)));
        }
        return parts;
    }
}
