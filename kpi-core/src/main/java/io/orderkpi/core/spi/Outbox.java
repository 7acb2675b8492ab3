package io.orderkpi.core.spi;

import io.orderkpi.core.Nullable;
import io.orderkpi.core.event.DeadLetter;
import io.orderkpi.core.event.OutboxEvent;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The outbox view of a {@link RecordStore}: events appended atomically with the state they
 * describe (by {@link OrderRecords#transition} and {@link OrderRecords#insertChunk}), delivered
 * to each subscriber independently. Thread-safe.
 *
 * <p>Delivery bookkeeping is per subscriber, so one slow or failing subscriber never holds back
 * another. A subscriber name the store has not seen before has every event pending.
 */
public interface Outbox {

    /**
     * Events not yet marked delivered to {@code subscriber}, in sequence order (hence in order per
     * order), at most {@code limit}. Never skips an event that committed after a later one: an
     * implementation whose sequences can commit out of order must account for it.
     */
    List<OutboxEvent> pending(String subscriber, int limit);

    /** Marks events delivered to {@code subscriber}. Idempotent; unknown sequences are ignored. */
    void markDelivered(String subscriber, Collection<Long> sequences);

    /** Every event of one order in sequence order: its audit trail. */
    List<OutboxEvent> eventsOf(long orderId);

    /**
     * Takes an event out of {@code subscriber}'s pending events and records it as dead-lettered
     * with its last error, atomically. Idempotent (a second call updates the error).
     */
    void deadLetter(String subscriber, long sequence, String error);

    /** Dead-lettered events, oldest first: of one subscriber, or of all when {@code null}. */
    List<DeadLetter> deadLetters(@Nullable String subscriber);

    /** Removes a dead letter once it has been handled; false when there was none. */
    boolean resolveDeadLetter(String subscriber, long sequence);

    /**
     * Removes the events recorded before {@code recordedBefore} that every one of
     * {@code subscribers} has had delivered: the history retention (SPEC §9). An event
     * dead-lettered for one of them counts as not delivered and is kept, as is every event still
     * pending for one of them; an empty collection removes nothing, so a caller that forgot its
     * subscribers cannot empty the outbox. Atomic (the events of one order go together with their
     * delivery state) and idempotent. Afterwards {@link #pending} and {@link #eventsOf} answer as
     * before for the events kept, and sequences are never reused.
     *
     * @return how many events were removed
     */
    int purgeDelivered(Instant recordedBefore, Collection<String> subscribers);
}
