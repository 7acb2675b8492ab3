package io.orderkpi.core.spi;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.notification.NewNotification;
import io.orderkpi.core.notification.Notification;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The notifications view of a {@link RecordStore}: the history of every notification and the
 * outcome of its delivery attempts (SPEC §7).
 *
 * <p>Contract (checked by {@code RecordStoreContract} of kpi-testkit):
 * <ul>
 *   <li>Thread-safe; every method may be called from any thread or node.</li>
 *   <li>Each method is one atomic step: a reader never sees half a notification or half an
 *       attempt.</li>
 *   <li>At most one notification per {@link NewNotification#uniqueKey() key}: type, channel and
 *       the refund (when there is one) or else the order. {@link #createIfAbsent} is idempotent by
 *       that key, also under concurrent calls from several threads or nodes (a database keeps it
 *       as a unique index), which makes a redelivered event harmless.</li>
 *   <li>Ids are assigned by the store, positive and increasing in creation order.</li>
 * </ul>
 */
public interface NotificationRecords {

    /**
     * The outcome of {@link #createIfAbsent}.
     *
     * @param notification the stored notification: the new one, or the one that held the key
     * @param created      true when this call stored it; false when it existed (nothing changed)
     */
    record Created(Notification notification, boolean created) {

        public Created {
            Objects.requireNonNull(notification, "notification");
        }
    }

    /**
     * Stores a new notification, {@code pending} with no attempts, unless one with the same key
     * exists; then returns that one unchanged, whatever its other fields.
     */
    Created createIfAbsent(NewNotification notification);

    Optional<Notification> get(long id);

    /**
     * Records one delivery attempt on the same row (see {@link Notification#withAttempt}):
     * {@code attempts + 1}, then {@code SENT} with {@code sentAt = at}, or {@code FAILED} with the
     * error; a failed notification becomes {@code SENT} on a later success, and a sent one stays
     * sent. {@code updatedAt} becomes {@code at}.
     *
     * @param error why the attempt failed; required when {@code sent} is false, else {@code null}
     * @return the notification after the attempt
     * @throws java.util.NoSuchElementException when no notification has this id
     * @throws IllegalArgumentException         when {@code error} does not match {@code sent}
     */
    Notification recordAttempt(long id, boolean sent, @Nullable String error, Instant at);

    /**
     * A page of notifications, newest first. Stable under concurrent inserts: new notifications
     * have higher ids and never shift later pages.
     */
    Page<Notification> list(NotificationQuery query);

    /**
     * Every notification still {@code pending} (no attempt recorded), oldest first: what the
     * start-up sweep queues again.
     */
    List<Notification> pending();

    /**
     * Removes the {@code SENT} and {@code FAILED} notifications last updated before
     * {@code updatedBefore}: the history retention (SPEC §9). A {@code PENDING} one is never
     * removed, whatever its age, since the start-up sweep still owes it an attempt. Atomic and
     * idempotent; ids are never reused.
     *
     * @return how many notifications were removed
     */
    int purgeFinished(Instant updatedBefore);
}
