package io.orderkpi.mysql;

import io.orderkpi.core.Nullable;
import io.orderkpi.core.event.DeadLetter;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.spi.Outbox;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Update;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The outbox view of {@link MySqlRecordStore}.
 *
 * <p>Sequences are AUTO_INCREMENT values, taken when a transaction inserts its events and visible
 * when it commits, so a lower sequence can become visible after a higher one. Delivery
 * bookkeeping therefore never trusts "the highest delivered sequence": per subscriber it keeps a
 * checkpoint (every event up to it is delivered) plus the delivered events above it, and
 * {@link #pending} returns every visible event above the checkpoint that is not delivered, a late
 * one included. The checkpoint only moves over sequences that are <em>settled</em> — committed or
 * rolled back for good — which the outbox fence proves: every appending transaction share-locks
 * the fence row before it takes sequences, so a fence pass that holds it exclusively sees no
 * sequence in flight and records {@code MAX(sequence)} as {@code safe_upto}.
 */
final class MySqlOutbox implements Outbox {

    /** Fence passes at most this often: each one waits for the appends in flight. */
    private static final long FENCE_INTERVAL_MICROS = 500_000;

    /** One event to append, for an order. */
    record Append(long orderId, NewEvent event) {
    }

    private final Db db;

    MySqlOutbox(Db db) {
        this.db = db;
    }

    /** Appends events of one order; the caller holds the fence and, for an existing order, its row. */
    void append(Handle handle, long orderId, List<NewEvent> events, Instant now) {
        append(handle, events.stream().map(event -> new Append(orderId, event)).toList(), now);
    }

    /** Appends events in list order, in one batched statement; the caller holds the fence. */
    void append(Handle handle, List<Append> appends, Instant now) {
        String recordedAt = Db.datetime(now);
        Db.batch(handle, "INSERT INTO outbox_events (order_id, type, data, recorded_at) VALUES (?, ?, ?, ?)", appends,
                (statement, append) -> {
                    statement.setLong(1, append.orderId());
                    statement.setString(2, append.event().type().wireName());
                    statement.setString(3, Rows.json(append.event().data()));
                    statement.setString(4, recordedAt);
                });
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
            long upto = checkpoint(handle, subscriber).orElse(0L);
            return handle.createQuery("SELECT " + Rows.EVENT_COLUMNS + " FROM outbox_events e "
                    + "WHERE e.sequence > :upto AND NOT EXISTS (SELECT 1 FROM outbox_delivered d "
                    + "WHERE d.subscriber = :subscriber AND d.sequence = e.sequence) ORDER BY e.sequence LIMIT :limit")
                    .bind("upto", upto)
                    .bind("subscriber", subscriber)
                    .bind("limit", limit)
                    .map((row, context) -> Rows.event(row))
                    .list();
        });
    }

    @Override
    public void markDelivered(String subscriber, Collection<Long> sequences) {
        Objects.requireNonNull(subscriber, "subscriber");
        List<Long> marked = sequences.stream().filter(Objects::nonNull).filter(sequence -> sequence > 0)
                .distinct().toList();
        if (marked.isEmpty()) {
            return;
        }
        boolean behindFence = db.inTransaction(handle -> {
            long upto = lockCheckpoint(handle, subscriber);
            for (List<Long> part : MySqlOrders.partition(marked)) {
                // Only sequences of stored events: an unknown one must never hide a future event.
                handle.createUpdate("INSERT IGNORE INTO outbox_delivered (subscriber, sequence) "
                        + "SELECT :subscriber, sequence FROM outbox_events WHERE sequence IN (<sequences>) "
                        + "AND sequence > :upto")
                        .bind("subscriber", subscriber)
                        .bindList("sequences", part)
                        .bind("upto", upto)
                        .execute();
            }
            return advance(handle, subscriber, upto);
        });
        if (behindFence && passFence()) {
            db.inTransaction(handle -> advance(handle, subscriber, lockCheckpoint(handle, subscriber)));
        }
    }

    private static Optional<Long> checkpoint(Handle handle, String subscriber) {
        return handle.createQuery("SELECT delivered_upto FROM outbox_checkpoints WHERE subscriber = :subscriber")
                .bind("subscriber", subscriber).mapTo(Long.class).findOne();
    }

    /** The subscriber's checkpoint, created at 0 the first time, locked until commit. */
    private static long lockCheckpoint(Handle handle, String subscriber) {
        handle.createUpdate("INSERT IGNORE INTO outbox_checkpoints (subscriber, delivered_upto) VALUES (:subscriber, 0)")
                .bind("subscriber", subscriber).execute();
        return handle.createQuery("SELECT delivered_upto FROM outbox_checkpoints WHERE subscriber = :subscriber "
                + "FOR UPDATE").bind("subscriber", subscriber).mapTo(Long.class).one();
    }

    /**
     * Moves the checkpoint up to the last event before the first one still pending, but never past
     * the fence's {@code safe_upto}, and forgets the delivered rows it passes.
     *
     * @return whether the checkpoint could go further with a newer fence pass
     */
    private static boolean advance(Handle handle, String subscriber, long upto) {
        long safe = handle.createQuery("SELECT safe_upto FROM outbox_fence WHERE id = 1").mapTo(Long.class).one();
        Optional<Long> firstPending = handle.createQuery("SELECT e.sequence FROM outbox_events e "
                + "WHERE e.sequence > :upto AND NOT EXISTS (SELECT 1 FROM outbox_delivered d "
                + "WHERE d.subscriber = :subscriber AND d.sequence = e.sequence) ORDER BY e.sequence LIMIT 1")
                .bind("upto", upto).bind("subscriber", subscriber).mapTo(Long.class).findOne();
        long candidate = firstPending.isPresent()
                ? firstPending.get() - 1
                : handle.createQuery("SELECT COALESCE(MAX(sequence), :upto) FROM outbox_delivered "
                        + "WHERE subscriber = :subscriber")
                        .bind("upto", upto).bind("subscriber", subscriber).mapTo(Long.class).one();
        long target = Math.min(candidate, safe);
        if (target > upto) {
            handle.createUpdate("UPDATE outbox_checkpoints SET delivered_upto = :target WHERE subscriber = :subscriber")
                    .bind("target", target).bind("subscriber", subscriber).execute();
            handle.createUpdate("DELETE FROM outbox_delivered WHERE subscriber = :subscriber AND sequence <= :target")
                    .bind("target", target).bind("subscriber", subscriber).execute();
        }
        return candidate > safe;
    }

    /**
     * Takes the fence exclusively (waiting at most a second for the appends in flight, which hold
     * it shared) and records the highest sequence as settled. Runs at most every
     * {@link #FENCE_INTERVAL_MICROS}; another process's recent pass serves as well.
     *
     * @return whether {@code safe_upto} may have moved
     */
    private boolean passFence() {
        try {
            return db.jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, handle -> {
                boolean due = handle.createQuery("SELECT passed_at < NOW(6) - INTERVAL " + FENCE_INTERVAL_MICROS
                        + " MICROSECOND FROM outbox_fence WHERE id = 1").mapTo(Boolean.class).one();
                if (!due) {
                    return true;
                }
                handle.execute("SET SESSION innodb_lock_wait_timeout = 1");
                try {
                    handle.createQuery("SELECT id FROM outbox_fence WHERE id = 1 FOR UPDATE").mapTo(Integer.class)
                            .one();
                    long highest = handle.createQuery("SELECT COALESCE(MAX(sequence), 0) FROM outbox_events")
                            .mapTo(Long.class).one();
                    handle.createUpdate("UPDATE outbox_fence SET safe_upto = GREATEST(safe_upto, :highest), "
                            + "passed_at = NOW(6) WHERE id = 1").bind("highest", highest).execute();
                    return true;
                } finally {
                    handle.execute("SET SESSION innodb_lock_wait_timeout = DEFAULT");
                }
            });
        } catch (JdbiException e) {
            if (Db.isLockWaitTimeout(e)) {
                return false; // a long append in flight: the next delivery tries again
            }
            throw Db.translate(e);
        }
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
    public void deadLetter(String subscriber, long sequence, String error) {
        Objects.requireNonNull(subscriber, "subscriber");
        Objects.requireNonNull(error, "error");
        db.inTransaction(handle -> {
            if (handle.createQuery("SELECT COUNT(*) FROM outbox_events WHERE sequence = :sequence")
                    .bind("sequence", sequence).mapTo(Long.class).one() == 0) {
                throw new NoSuchElementException("No outbox event " + sequence);
            }
            long upto = lockCheckpoint(handle, subscriber);
            if (sequence > upto) {
                handle.createUpdate("INSERT IGNORE INTO outbox_delivered (subscriber, sequence) "
                        + "VALUES (:subscriber, :sequence)")
                        .bind("subscriber", subscriber).bind("sequence", sequence).execute();
            }
            handle.createUpdate("INSERT INTO outbox_dead_letters (subscriber, sequence, error, dead_at) "
                    + "VALUES (:subscriber, :sequence, :error, :now) "
                    + "ON DUPLICATE KEY UPDATE error = :error, dead_at = :now")
                    .bind("subscriber", subscriber)
                    .bind("sequence", sequence)
                    .bind("error", error)
                    .bind("now", Db.at(db.now()))
                    .execute();
            return null;
        });
    }

    @Override
    public List<DeadLetter> deadLetters(@Nullable String subscriber) {
        String where = subscriber == null ? "" : " WHERE x.subscriber = :subscriber";
        return db.read(handle -> {
            var query = handle.createQuery("SELECT x.subscriber, x.error, x.dead_at, " + Rows.EVENT_COLUMNS
                    + " FROM outbox_dead_letters x JOIN outbox_events e ON e.sequence = x.sequence" + where
                    + " ORDER BY x.dead_at, x.sequence");
            if (subscriber != null) {
                query.bind("subscriber", subscriber);
            }
            return query.map((row, context) -> new DeadLetter(row.getString("subscriber"), Rows.event(row),
                    row.getString("error"), Db.requiredInstant(row, "dead_at"))).list();
        });
    }

    @Override
    public boolean resolveDeadLetter(String subscriber, long sequence) {
        Objects.requireNonNull(subscriber, "subscriber");
        return db.inTransaction(handle -> handle.createUpdate("DELETE FROM outbox_dead_letters "
                + "WHERE subscriber = :subscriber AND sequence = :sequence")
                .bind("subscriber", subscriber).bind("sequence", sequence).execute() > 0);
    }

    @Override
    public int purgeDelivered(Instant recordedBefore, Collection<String> subscribers) {
        Objects.requireNonNull(recordedBefore, "recordedBefore");
        List<String> names = subscribers.stream().distinct().toList();
        if (names.isEmpty()) {
            return 0;
        }
        return db.inTransaction(handle -> {
            Map<String, Long> checkpoints = new HashMap<>();
            handle.createQuery("SELECT subscriber, delivered_upto FROM outbox_checkpoints "
                    + "WHERE subscriber IN (<names>) LOCK IN SHARE MODE")
                    .bindList("names", names)
                    .map((row, context) -> Map.entry(row.getString("subscriber"), row.getLong("delivered_upto")))
                    .forEach(entry -> checkpoints.put(entry.getKey(), entry.getValue()));
            if (checkpoints.size() < names.size()) {
                return 0; // a subscriber that never took anything has every event pending
            }
            // Delivered to each (under its checkpoint or listed above it) and dead-lettered for none.
            StringBuilder sql = new StringBuilder("DELETE FROM outbox_events WHERE recorded_at < :before");
            for (int i = 0; i < names.size(); i++) {
                sql.append(" AND (sequence <= :upto").append(i)
                        .append(" OR EXISTS (SELECT 1 FROM outbox_delivered d WHERE d.subscriber = :name").append(i)
                        .append(" AND d.sequence = outbox_events.sequence))")
                        .append(" AND NOT EXISTS (SELECT 1 FROM outbox_dead_letters x WHERE x.subscriber = :name")
                        .append(i).append(" AND x.sequence = outbox_events.sequence)");
            }
            Update delete = handle.createUpdate(sql.toString()).bind("before", Db.at(recordedBefore));
            for (int i = 0; i < names.size(); i++) {
                delete.bind("upto" + i, checkpoints.get(names.get(i))).bind("name" + i, names.get(i));
            }
            return delete.execute();
        });
    }
}
