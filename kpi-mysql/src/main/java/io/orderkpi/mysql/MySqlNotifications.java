package io.orderkpi.mysql;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.notification.NewNotification;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.spi.NotificationQuery;
import io.orderkpi.core.spi.NotificationRecords;
import io.orderkpi.core.spi.Page;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The notifications view of {@link MySqlRecordStore}; the unique key is a unique index. */
final class MySqlNotifications implements NotificationRecords {

    private static final String SELECT_NOTIFICATION = "SELECT " + Rows.NOTIFICATION_COLUMNS + " FROM notifications ";

    private final Db db;

    MySqlNotifications(Db db) {
        this.db = db;
    }

    private static Optional<Notification> byKey(Handle handle, String key) {
        return handle.createQuery(SELECT_NOTIFICATION + "WHERE unique_key = :key").bind("key", key)
                .map((row, context) -> Rows.notification(row)).findOne();
    }

    private static Optional<Notification> byId(Handle handle, long id, boolean lock) {
        return handle.createQuery(SELECT_NOTIFICATION + "WHERE id = :id" + (lock ? " FOR UPDATE" : ""))
                .bind("id", id).map((row, context) -> Rows.notification(row)).findOne();
    }

    @Override
    public Created createIfAbsent(NewNotification notification) {
        Objects.requireNonNull(notification, "notification");
        String key = notification.uniqueKey();
        Optional<Notification> existing = db.read(handle -> byKey(handle, key));
        if (existing.isPresent()) {
            return new Created(existing.get(), false);
        }
        try {
            return db.inTransaction(handle -> {
                Instant now = db.now();
                long id = handle.createUpdate("INSERT INTO notifications (unique_key, order_id, refund_id, "
                        + "customer_id, order_status, total_cents, type, channel, state, message, attempts, "
                        + "created_at, updated_at) VALUES (:key, :orderId, :refundId, :customerId, :orderStatus, "
                        + ":totalCents, :type, :channel, 'pending', :message, 0, :now, :now)")
                        .bind("key", key)
                        .bind("orderId", notification.orderId())
                        .bind("refundId", notification.refundId())
                        .bind("customerId", notification.customerId())
                        .bind("orderStatus", notification.orderStatus())
                        .bind("totalCents", notification.totalAmount().cents())
                        .bind("type", Rows.wire(notification.type()))
                        .bind("channel", notification.channel())
                        .bind("message", notification.message())
                        .bind("now", Db.at(now))
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
                return new Created(Notification.create(id, notification, now), true);
            });
        } catch (RuntimeException e) {
            if (Db.isDuplicateKey(e)) {
                // Another thread or node stored the key first: its notification answers.
                return new Created(db.read(handle -> byKey(handle, key)).orElseThrow(), false);
            }
            throw e;
        }
    }

    @Override
    public Optional<Notification> get(long id) {
        return db.read(handle -> byId(handle, id, false));
    }

    @Override
    public Notification recordAttempt(long id, boolean sent, @Nullable String error, Instant at) {
        Objects.requireNonNull(at, "at");
        return db.inTransaction(handle -> {
            Notification current = byId(handle, id, true)
                    .orElseThrow(() -> new NoSuchElementException("No notification with id " + id));
            Notification updated = current.withAttempt(sent, error, Db.micros(at));
            handle.createUpdate("UPDATE notifications SET state = :state, error_message = :error, attempts = :attempts, "
                    + "sent_at = :sentAt, updated_at = :updatedAt WHERE id = :id")
                    .bind("state", Rows.wire(updated.state()))
                    .bind("error", updated.errorMessage())
                    .bind("attempts", updated.attempts())
                    .bind("sentAt", Db.at(updated.sentAt()))
                    .bind("updatedAt", Db.at(updated.updatedAt()))
                    .bind("id", id)
                    .execute();
            return updated;
        });
    }

    @Override
    public Page<Notification> list(NotificationQuery query) {
        Objects.requireNonNull(query, "query");
        PageQuery select = new PageQuery("SELECT " + Rows.NOTIFICATION_COLUMNS + " FROM notifications", "id",
                query.beforeId())
                .filter("order_id", query.orderId())
                .filter("customer_id", query.customerId())
                .filter("type", query.type())
                .filter("state", query.state());
        List<Notification> rows = db.read(handle -> select.fetch(handle, query.limit(),
                (row, context) -> Rows.notification(row)));
        return PageQuery.page(rows, query.limit(), Notification::id);
    }

    @Override
    public List<Notification> pending() {
        return db.read(handle -> handle.createQuery(SELECT_NOTIFICATION + "WHERE state = 'pending' ORDER BY id")
                .map((row, context) -> Rows.notification(row)).list());
    }

    @Override
    public int purgeFinished(Instant updatedBefore) {
        Objects.requireNonNull(updatedBefore, "updatedBefore");
        return db.inTransaction(handle -> handle.createUpdate("DELETE FROM notifications "
                + "WHERE state IN ('sent', 'failed') AND updated_at < :before")
                .bind("before", Db.at(updatedBefore)).execute());
    }
}
