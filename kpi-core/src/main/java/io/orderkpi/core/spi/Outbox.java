package io.orderkpi.core.spi;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.event.DeadLetter;
import io.orderkpi.core.event.OutboxEvent;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The outbox view of a {@link RecordStore}: events appended atomically with the state they
 * describe (by {@link OrderRecords#transition} and {@link OrderRecords#insertChunk}), delivered
 * to each subscriber independently. Thread-safe; several processes may share it.
 *
 * <p><b>Sequences become visible in order.</b> A reader that sees the event with sequence
 * {@code n} sees every event with a smaller sequence that will ever exist: none can commit later.
 * Every method below relies on it ({@link #pending} never skips an event that committed late, and
 * a {@link #position()} is never passed by a late commit). The memory store appends under its
 * lock; a database adapter whose sequences come from an auto-increment column (which commit out
 * of order) must take the next sequence from a counter row locked until the transaction commits,
 * or hide the events above the oldest uncommitted one.
 *
 * <p><b>Subscribers are registered</b> in the store ({@link #registerSubscriber}, implied by any
 * delivery mark), so a process that does not run a subscriber never purges the events that
 * subscriber has not had. Delivery bookkeeping is per subscriber, so one slow or failing
 * subscriber never holds back another. A subscriber name the store has not seen has every event
 * pending.
 *
 * <p><b>Dead letters hold back their order.</b> An event dead-lettered for a subscriber is out of
 * its pending events, and so is every later event of the same order (they wait behind it, still
 * undelivered, never purged) until the dead letter is {@linkplain #redeliver redelivered} or
 * {@linkplain #resolveDeadLetter resolved}: delivery stays in order per order.
 *
 * <p><b>Fencing.</b> Marks carry the fencing token of the caller's {@link Lease} on the
 * subscriber. The store remembers the greatest token seen per subscriber and refuses a mark with
 * a smaller one ({@link FencedOutException}), atomically with the check, so a process that lost
 * its lease cannot mark deliveries after another took over.
 */
public interface Outbox {

    /**
     * Records {@code subscriber} as a subscriber of this store, so {@link #purgeDelivered} keeps
     * every event it has not had. Idempotent; registrations last as long as the store's records.
     */
    void registerSubscriber(String subscriber);

    /** Every registered subscriber, in name order. */
    List<String> subscribers();

    /**
     * Events {@code subscriber} should be given next, in sequence order (hence in order per
     * order), at most {@code limit}: not yet delivered, not dead-lettered, and not waiting behind
     * a dead letter of their order.
     */
    List<OutboxEvent> pending(String subscriber, int limit);

    /**
     * Marks events delivered to {@code subscriber} (registering it). Idempotent; unknown
     * sequences are ignored. A dead-lettered event marked delivered is resolved.
     *
     * @param fence the fencing token of the caller's lease on the subscriber
     * @throws FencedOutException when a greater token was seen for the subscriber (nothing changed)
     */
    void markDelivered(String subscriber, long fence, Collection<Long> sequences);

    /**
     * Records an event as dead-lettered for {@code subscriber} with its last error, atomically
     * taking it and the later events of its order out of the subscriber's pending events.
     * Idempotent (a second call updates the error and the time).
     *
     * @param fence the fencing token of the caller's lease on the subscriber
     * @throws FencedOutException when a greater token was seen for the subscriber (nothing changed)
     * @throws java.util.NoSuchElementException when there is no such event
     */
    void deadLetter(String subscriber, long fence, long sequence, String error);

    /**
     * Dead letters, newest first (by {@link DeadLetter#id()}), of one subscriber or of all when
     * {@code subscriber} is null: at most {@code limit} with an id below {@code beforeId}
     * ({@code Long.MAX_VALUE} for the first page).
     */
    Page<DeadLetter> deadLetters(@Nullable String subscriber, long beforeId, int limit);

    /** How many events are dead-lettered for {@code subscriber}. */
    long deadLetterCount(String subscriber);

    /**
     * Puts a dead-lettered event back into the subscriber's pending events, ahead of the events
     * of its order that waited behind it. The relay holding the subscriber's lease delivers it.
     *
     * @return false when the event is not dead-lettered for that subscriber
     */
    boolean redeliver(String subscriber, long sequence);

    /**
     * {@link #redeliver}s every dead letter of one subscriber, or of all when {@code subscriber}
     * is null; returns how many.
     */
    int redeliverAll(@Nullable String subscriber);

    /**
     * Gives a dead letter up as handled (an operator decided it needs no delivery): it counts as
     * delivered, and the events of its order behind it become pending.
     *
     * @return false when there was no such dead letter
     */
    boolean resolveDeadLetter(String subscriber, long sequence);

    /** Every event of one order in sequence order: its audit trail. */
    List<OutboxEvent> eventsOf(long orderId);

    /**
     * The current position: every event recorded later has a greater sequence (see the ordering
     * rule above). Read it before reading the records a rebuild starts from.
     */
    OutboxPosition position();

    /**
     * Events recorded after {@code position}, in sequence order, at most {@code limit}; for the
     * next page pass the last event's sequence as the position. Events removed by
     * {@link #purgeDelivered} are not returned.
     */
    List<OutboxEvent> recordedAfter(OutboxPosition position, int limit);

    /**
     * Removes the events recorded before {@code recordedBefore} that every registered subscriber
     * has had delivered: the history retention (SPEC §9). An event dead-lettered for one of them,
     * or waiting behind a dead letter, counts as not delivered and is kept, as is every event still
     * pending for one of them; without a registered subscriber nothing is removed. Atomic (the
     * events of one order go together with their delivery state) and idempotent. Afterwards
     * {@link #pending} and {@link #eventsOf} answer as before for the events kept, and sequences
     * are never reused.
     *
     * @return how many events were removed
     */
    int purgeDelivered(Instant recordedBefore);
}
