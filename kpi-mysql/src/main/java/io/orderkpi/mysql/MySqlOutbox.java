package io.orderkpi.mysql;

import io.orderkpi.core.event.DeadLetter;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.spi.FencedOutException;
import io.orderkpi.core.spi.Outbox;
import io.orderkpi.core.spi.OutboxPosition;
import io.orderkpi.core.spi.Page;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

/**
 * The outbox view of {@link MySqlRecordStore}.
 *
 * <p><b>Sequences become visible in order.</b> An appending transaction takes its sequences from
 * the one row of {@code outbox_sequence}, which stays locked until it commits, so no transaction
 * can commit a sequence below one already visible. Appends are the last writes that can wait of
 * their transactions (the order or import rows they touch are locked before), so the lock is held
 * for a commit, not for a step. Hence a position is just the committed counter, and per
 * subscriber a checkpoint (every event up to it is delivered) plus the delivered events listed
 * above it describe the deliveries exactly.
 *
 * <p>A subscriber is a row of {@code outbox_checkpoints}, which also holds the greatest fencing
 * token seen for it. A dead letter is a row of {@code outbox_dead_letters} with its order: it and
 * every later event of that order are left out of {@link #pending} while the row exists, and are
 * not delivered, so the checkpoint stops in front of a dead letter until it is redelivered or
 * resolved.
 */
final class MySqlOutbox implements Outbox {

    /** One event to append, for an order. */
    record Append(long orderId, NewEvent event) {
    }

    /** Not delivered to the subscriber (above the checkpoint, not listed), not held by a dead letter. */
    private static final String PENDING = "FROM outbox_events e WHERE e.sequence > :upto "
            + "AND NOT EXISTS (SELECT 1 FROM outbox_delivered d WHERE d.subscriber = :subscriber "
            + "AND d.sequence = e.sequence) "
            + "AND NOT EXISTS (SELECT 1 FROM outbox_dead_letters x WHERE x.subscriber = :subscriber "
            + "AND x.order_id = e.order_id AND x.sequence <= e.sequence) ";

    private final Db db;

    MySqlOutbox(Db db) {
        this.db = db;
    }

    /** Rows per {@code INSERT} of an append: bounds the statement's size for an import chunk's events. */
    private static final int ROWS_PER_INSERT = 500;

    /**
     * Appends events of one order and commits; the caller holds the order's row, if it exists.
     *
     * @see #appendAndCommit(Handle, List, Instant)
     */
    void appendAndCommit(Handle handle, long orderId, List<NewEvent> events, Instant now) {
        appendAndCommit(handle, events.stream().map(event -> new Append(orderId, event)).toList(), now);
    }

    /**
     * Appends events in list order with sequences from the counter row, and commits the
     * transaction: it must be the transaction's last statement. The counter row stays locked
     * from its update to the commit, and every appending transaction waits for it, so on a
     * connection that allows multi-statement queries the update, the inserts and the commit go
     * in one round trip and the lock is held only while the server runs them, never while a
     * reply travels or a client thread waits for a CPU. Elsewhere (a data source of the caller's
     * without {@code allowMultiQueries}) they are separate statements and the caller's commit
     * ends the transaction.
     */
    void appendAndCommit(Handle handle, List<Append> appends, Instant now) {
        if (appends.isEmpty()) {
            return;
        }
        String recordedAt = Db.datetime(now);
        if (!Db.allowsMultiQueries(handle)) {
            long first = takeSequences(handle, appends.size());
            List<Map.Entry<Long, Append>> numbered = new ArrayList<>(appends.size());
            for (int i = 0; i < appends.size(); i++) {
                numbered.add(Map.entry(first + i, appends.get(i)));
            }
            Db.batch(handle, "INSERT INTO outbox_events (sequence, order_id, type, data, recorded_at) "
                    + "VALUES (?, ?, ?, ?, ?)", numbered, (statement, entry) -> {
                        statement.setLong(1, entry.getKey());
                        bindEvent(statement, 2, entry.getValue(), recordedAt);
                    });
            return;
        }
        StringBuilder sql = new StringBuilder(
                "UPDATE outbox_sequence SET last_sequence = LAST_INSERT_ID(last_sequence + ?) WHERE id = 1;"
                + "SET @okpi_outbox_first = LAST_INSERT_ID() - ?;");
        for (int i = 0; i < appends.size(); i++) {
            sql.append(i % ROWS_PER_INSERT == 0
                    ? "INSERT INTO outbox_events (sequence, order_id, type, data, recorded_at) VALUES "
                    : ",");
            sql.append("(@okpi_outbox_first + ").append(i + 1).append(", ?, ?, ?, ?)");
            if (i % ROWS_PER_INSERT == ROWS_PER_INSERT - 1 || i == appends.size() - 1) {
                sql.append(';');
            }
        }
        sql.append("COMMIT");
        try (PreparedStatement statement = handle.getConnection().prepareStatement(sql.toString())) {
            statement.setInt(1, appends.size());
            statement.setInt(2, appends.size());
            int parameter = 3;
            for (Append append : appends) {
                bindEvent(statement, parameter, append, recordedAt);
                parameter += 4;
            }
            statement.execute();
        } catch (SQLException e) {
            throw new Db.BatchFailure(e);
        }
    }

    private static void bindEvent(PreparedStatement statement, int first, Append append, String recordedAt)
            throws SQLException {
        statement.setLong(first, append.orderId());
        statement.setString(first + 1, append.event().type().wireName());
        statement.setString(first + 2, Rows.json(append.event().data()));
        statement.setString(first + 3, recordedAt);
    }

    /**
     * Takes {@code count} sequences from the counter row and returns the first. The new value
     * comes back in the update's OK packet (as {@code LAST_INSERT_ID(expr)}), not by a second
     * query.
     */
    private static long takeSequences(Handle handle, int count) {
        try (PreparedStatement update = handle.getConnection().prepareStatement(
                "UPDATE outbox_sequence SET last_sequence = LAST_INSERT_ID(last_sequence + ?) WHERE id = 1",
                Statement.RETURN_GENERATED_KEYS)) {
            update.setInt(1, count);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("the outbox_sequence row is missing");
            }
            try (ResultSet last = update.getGeneratedKeys()) {
                if (last.next()) {
                    return last.getLong(1) - count + 1;
                }
            }
            try (Statement query = handle.getConnection().createStatement();
                    ResultSet last = query.executeQuery("SELECT LAST_INSERT_ID()")) {
                last.next();
                return last.getLong(1) - count + 1;
            }
        } catch (SQLException e) {
            throw new Db.BatchFailure(e);
        }
    }

    @Override
    public void registerSubscriber(String subscriber) {
        checkSubscriber(subscriber);
        db.inTransaction(handle -> {
            register(handle, subscriber);
            return null;
        });
    }

    private static void register(Handle handle, String subscriber) {
        handle.createUpdate("INSERT IGNORE INTO outbox_checkpoints (subscriber, delivered_upto) VALUES (:subscriber, 0)")
                .bind("subscriber", subscriber).execute();
    }

    @Override
    public List<String> subscribers() {
        return db.read(handle -> handle.createQuery("SELECT subscriber FROM outbox_checkpoints ORDER BY subscriber")
                .mapTo(String.class).list());
    }

    @Override
    public List<OutboxEvent> pending(String subscriber, int limit) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return db.read(handle -> {
            long upto = handle.createQuery("SELECT delivered_upto FROM outbox_checkpoints "
                    + "WHERE subscriber = :subscriber").bind("subscriber", subscriber).mapTo(Long.class).findOne()
                    .orElse(0L);
            return handle.createQuery("SELECT " + Rows.EVENT_COLUMNS + " " + PENDING
                    + "ORDER BY e.sequence LIMIT :limit")
                    .bind("upto", upto)
                    .bind("subscriber", subscriber)
                    .bind("limit", limit)
                    .map((row, context) -> Rows.event(row))
                    .list();
        });
    }

    @Override
    public void markDelivered(String subscriber, long fence, Collection<Long> sequences) {
        checkSubscriber(subscriber);
        List<Long> marked = sequences.stream().filter(Objects::nonNull).filter(sequence -> sequence > 0)
                .distinct().toList();
        db.inTransaction(handle -> {
            long upto = lockFenced(handle, subscriber, fence);
            if (isEveryEventAbove(handle, upto, marked)) {
                // The usual batch: every event above the checkpoint up to the last one marked. The
                // checkpoint moves past them at once, without listing each as delivered first.
                long last = Collections.max(marked);
                handle.createUpdate("DELETE FROM outbox_dead_letters WHERE subscriber = :subscriber "
                        + "AND sequence > :upto AND sequence <= :last")
                        .bind("subscriber", subscriber).bind("upto", upto).bind("last", last).execute();
                advance(handle, subscriber, upto, last);
                return null;
            }
            for (List<Long> part : MySqlOrders.partition(marked)) {
                // Only sequences of stored events: an unknown one must never hide a future event.
                handle.createUpdate("INSERT IGNORE INTO outbox_delivered (subscriber, sequence) "
                        + "SELECT :subscriber, sequence FROM outbox_events WHERE sequence IN (<sequences>) "
                        + "AND sequence > :upto")
                        .bind("subscriber", subscriber)
                        .bindList("sequences", part)
                        .bind("upto", upto)
                        .execute();
                handle.createUpdate("DELETE FROM outbox_dead_letters WHERE subscriber = :subscriber "
                        + "AND sequence IN (<sequences>)")
                        .bind("subscriber", subscriber)
                        .bindList("sequences", part)
                        .execute();
            }
            advance(handle, subscriber, upto, upto);
            return null;
        });
    }

    /**
     * Whether {@code sequences} (distinct) are exactly the stored events above {@code upto} up to
     * the greatest of them: a run without a gap whose first is the first stored event above the
     * checkpoint, as many stored events in the range as sequences given.
     */
    private static boolean isEveryEventAbove(Handle handle, long upto, List<Long> sequences) {
        if (sequences.isEmpty()) {
            return false;
        }
        long first = Collections.min(sequences);
        long last = Collections.max(sequences);
        if (first <= upto || last - first + 1 != sequences.size()) {
            return false;
        }
        return handle.createQuery("SELECT COUNT(*) AS stored, COALESCE(MIN(sequence), 0) AS first FROM outbox_events "
                + "WHERE sequence > :upto AND sequence <= :last")
                .bind("upto", upto).bind("last", last)
                .map((row, context) -> row.getLong("stored") == sequences.size() && row.getLong("first") == first)
                .one();
    }

    /**
     * Registers the subscriber, locks its row until commit, and checks and records the fencing
     * token: refused when a greater one was seen, nothing changed then.
     *
     * @return the subscriber's checkpoint
     */
    private static long lockFenced(Handle handle, String subscriber, long fence) {
        Optional<Map.Entry<Long, Long>> found = lockCheckpoint(handle, subscriber);
        if (found.isEmpty()) {
            register(handle, subscriber);
            found = lockCheckpoint(handle, subscriber);
        }
        Map.Entry<Long, Long> row = found.orElseThrow();
        if (fence < row.getValue()) {
            throw new FencedOutException(subscriber, fence, row.getValue());
        }
        if (fence > row.getValue()) {
            handle.createUpdate("UPDATE outbox_checkpoints SET fence = :fence WHERE subscriber = :subscriber")
                    .bind("fence", fence).bind("subscriber", subscriber).execute();
        }
        return row.getKey();
    }

    /** The subscriber's checkpoint and greatest fence, its row locked until commit; empty when unregistered. */
    private static Optional<Map.Entry<Long, Long>> lockCheckpoint(Handle handle, String subscriber) {
        return handle.createQuery("SELECT delivered_upto, fence FROM outbox_checkpoints "
                + "WHERE subscriber = :subscriber FOR UPDATE").bind("subscriber", subscriber)
                .map((result, context) -> Map.entry(result.getLong("delivered_upto"), result.getLong("fence")))
                .findOne();
    }

    /**
     * Moves the checkpoint from {@code upto} to the last event before the first one not delivered
     * above {@code delivered} (every event up to that one is delivered; a dead letter and the
     * events behind it count as not delivered), and forgets the delivered rows it passes.
     * Sequences become visible in order, so nothing below the highest delivered one can appear.
     */
    private static void advance(Handle handle, String subscriber, long upto, long delivered) {
        Optional<Long> firstOpen = handle.createQuery("SELECT e.sequence FROM outbox_events e "
                + "WHERE e.sequence > :delivered AND NOT EXISTS (SELECT 1 FROM outbox_delivered d "
                + "WHERE d.subscriber = :subscriber AND d.sequence = e.sequence) ORDER BY e.sequence LIMIT 1")
                .bind("delivered", delivered).bind("subscriber", subscriber).mapTo(Long.class).findOne();
        long target = firstOpen.isPresent()
                ? firstOpen.get() - 1
                : handle.createQuery("SELECT GREATEST(COALESCE(MAX(sequence), 0), :delivered) FROM outbox_delivered "
                        + "WHERE subscriber = :subscriber")
                        .bind("delivered", delivered).bind("subscriber", subscriber).mapTo(Long.class).one();
        if (target > upto) {
            handle.createUpdate("UPDATE outbox_checkpoints SET delivered_upto = :target WHERE subscriber = :subscriber")
                    .bind("target", target).bind("subscriber", subscriber).execute();
            handle.createUpdate("DELETE FROM outbox_delivered WHERE subscriber = :subscriber AND sequence <= :target")
                    .bind("target", target).bind("subscriber", subscriber).execute();
        }
    }

    @Override
    public void deadLetter(String subscriber, long fence, long sequence, String error) {
        checkSubscriber(subscriber);
        Objects.requireNonNull(error, "error");
        db.inTransaction(handle -> {
            long orderId = handle.createQuery("SELECT order_id FROM outbox_events WHERE sequence = :sequence")
                    .bind("sequence", sequence).mapTo(Long.class).findOne()
                    .orElseThrow(() -> new NoSuchElementException("No outbox event " + sequence));
            lockFenced(handle, subscriber, fence);
            handle.createUpdate("DELETE FROM outbox_delivered WHERE subscriber = :subscriber AND sequence = :sequence")
                    .bind("subscriber", subscriber).bind("sequence", sequence).execute();
            // Delete and insert rather than update: dead-lettering again makes it the newest (its id).
            handle.createUpdate("DELETE FROM outbox_dead_letters WHERE subscriber = :subscriber AND sequence = :sequence")
                    .bind("subscriber", subscriber).bind("sequence", sequence).execute();
            handle.createUpdate("INSERT INTO outbox_dead_letters (subscriber, sequence, order_id, error, dead_at) "
                    + "VALUES (:subscriber, :sequence, :orderId, :error, :now)")
                    .bind("subscriber", subscriber)
                    .bind("sequence", sequence)
                    .bind("orderId", orderId)
                    .bind("error", error)
                    .bind("now", Db.at(db.now()))
                    .execute();
            return null;
        });
    }

    @Override
    public Page<DeadLetter> deadLetters(@Nullable String subscriber, long beforeId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1: " + limit);
        }
        return db.read(handle -> {
            List<DeadLetter> rows = new PageQuery("SELECT x.id, x.subscriber, x.error, x.dead_at, "
                    + Rows.EVENT_COLUMNS + " FROM outbox_dead_letters x JOIN outbox_events e ON e.sequence = x.sequence",
                    "x.id", beforeId)
                    .filter("x.subscriber", subscriber)
                    .fetch(handle, limit, (row, context) -> new DeadLetter(row.getLong("id"),
                            row.getString("subscriber"), Rows.event(row), row.getString("error"),
                            Db.requiredInstant(row, "dead_at")));
            return PageQuery.page(rows, limit, DeadLetter::id);
        });
    }

    @Override
    public long deadLetterCount(String subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        return db.read(handle -> handle.createQuery("SELECT COUNT(*) FROM outbox_dead_letters "
                + "WHERE subscriber = :subscriber").bind("subscriber", subscriber).mapTo(Long.class).one());
    }

    @Override
    public boolean redeliver(String subscriber, long sequence) {
        Objects.requireNonNull(subscriber, "subscriber");
        // The event was never marked delivered: without its dead letter it is pending again.
        return db.inTransaction(handle -> handle.createUpdate("DELETE FROM outbox_dead_letters "
                + "WHERE subscriber = :subscriber AND sequence = :sequence")
                .bind("subscriber", subscriber).bind("sequence", sequence).execute() > 0);
    }

    @Override
    public int redeliverAll(@Nullable String subscriber) {
        return db.inTransaction(handle -> subscriber == null
                ? handle.createUpdate("DELETE FROM outbox_dead_letters").execute()
                : handle.createUpdate("DELETE FROM outbox_dead_letters WHERE subscriber = :subscriber")
                        .bind("subscriber", subscriber).execute());
    }

    @Override
    public boolean resolveDeadLetter(String subscriber, long sequence) {
        Objects.requireNonNull(subscriber, "subscriber");
        return db.inTransaction(handle -> {
            if (handle.createUpdate("DELETE FROM outbox_dead_letters WHERE subscriber = :subscriber "
                    + "AND sequence = :sequence").bind("subscriber", subscriber).bind("sequence", sequence)
                    .execute() == 0) {
                return false;
            }
            handle.createUpdate("INSERT IGNORE INTO outbox_delivered (subscriber, sequence) "
                    + "VALUES (:subscriber, :sequence)")
                    .bind("subscriber", subscriber).bind("sequence", sequence).execute();
            long upto = handle.createQuery("SELECT delivered_upto FROM outbox_checkpoints "
                    + "WHERE subscriber = :subscriber FOR UPDATE").bind("subscriber", subscriber)
                    .mapTo(Long.class).one();
            advance(handle, subscriber, upto, upto);
            return true;
        });
    }

    @Override
    public List<OutboxEvent> eventsOf(long orderId) {
        return db.read(handle -> handle.createQuery("SELECT " + Rows.EVENT_COLUMNS + " FROM outbox_events e "
                + "WHERE e.order_id = :orderId ORDER BY e.sequence")
                .bind("orderId", orderId)
                .map((row, context) -> Rows.event(row))
                .list());
    }

    @Override
    public OutboxPosition position() {
        // A plain read sees the counter as last committed: every sequence up to it is visible,
        // and a transaction still holding the row takes sequences above it.
        return db.read(handle -> new OutboxPosition(handle.createQuery("SELECT last_sequence FROM outbox_sequence "
                + "WHERE id = 1").mapTo(Long.class).one()));
    }

    @Override
    public List<OutboxEvent> recordedAfter(OutboxPosition position, int limit) {
        Objects.requireNonNull(position, "position");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return db.read(handle -> handle.createQuery("SELECT " + Rows.EVENT_COLUMNS + " FROM outbox_events e "
                + "WHERE e.sequence > :after ORDER BY e.sequence LIMIT :limit")
                .bind("after", position.sequence())
                .bind("limit", limit)
                .map((row, context) -> Rows.event(row))
                .list());
    }

    @Override
    public int purgeDelivered(Instant recordedBefore) {
        Objects.requireNonNull(recordedBefore, "recordedBefore");
        return db.inTransaction(handle -> {
            // Share-locked: no subscriber registers or moves its checkpoint while the purge decides.
            List<Map.Entry<String, Long>> checkpoints = handle.createQuery("SELECT subscriber, delivered_upto "
                    + "FROM outbox_checkpoints ORDER BY subscriber LOCK IN SHARE MODE")
                    .map((row, context) -> Map.entry(row.getString("subscriber"), row.getLong("delivered_upto")))
                    .list();
            if (checkpoints.isEmpty()) {
                return 0;
            }
            // Delivered to each registered subscriber: under its checkpoint or listed above it. Dead
            // letters and the events behind them are neither, so they stay.
            StringBuilder sql = new StringBuilder("DELETE FROM outbox_events WHERE recorded_at < :before");
            for (int i = 0; i < checkpoints.size(); i++) {
                sql.append(" AND (sequence <= :upto").append(i)
                        .append(" OR EXISTS (SELECT 1 FROM outbox_delivered d WHERE d.subscriber = :name").append(i)
                        .append(" AND d.sequence = outbox_events.sequence))");
            }
            Update delete = handle.createUpdate(sql.toString()).bind("before", Db.at(recordedBefore));
            for (int i = 0; i < checkpoints.size(); i++) {
                delete.bind("upto" + i, checkpoints.get(i).getValue()).bind("name" + i, checkpoints.get(i).getKey());
            }
            return delete.execute();
        });
    }

    private static void checkSubscriber(String subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (subscriber.isBlank()) {
            throw new IllegalArgumentException("A subscriber name must not be blank");
        }
    }
}
