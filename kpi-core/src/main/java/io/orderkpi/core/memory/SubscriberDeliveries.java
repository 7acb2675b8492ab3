package io.orderkpi.core.memory;

import io.orderkpi.core.event.DeadLetter;
import io.orderkpi.core.spi.FencedOutException;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One subscriber's delivery state in {@link MemoryRecordStore}. A {@link DeliveryCheckpoint}
 * covers every sequence the relay is done with for now: delivered ones, and also dead letters and
 * the events waiting behind them, which stay in {@link #owed()}. Covering those keeps the
 * checkpoint moving past a dead letter, so a long-lived dead letter costs one entry per held event
 * instead of pinning the checkpoint (and every later delivery) behind it.
 *
 * <p>Not thread-safe: the store guards it with its lock.
 */
final class SubscriberDeliveries {

    private final String subscriber;
    private final DeliveryCheckpoint covered = new DeliveryCheckpoint();
    /** Covered but not delivered: dead letters, events held behind one, redelivered ones. */
    private final NavigableSet<Long> owed = new TreeSet<>();
    private final NavigableMap<Long, DeadLetter> deadLetters = new TreeMap<>();
    /** Dead-lettered sequences by order: an order listed here holds its later events back. */
    private final Map<Long, NavigableSet<Long>> deadByOrder = new HashMap<>();
    private long fence;

    SubscriberDeliveries(String subscriber) {
        this.subscriber = subscriber;
    }

    /** Refuses a token older than one seen, else remembers it; call before changing anything. */
    void fence(long token) {
        if (token < fence) {
            throw new FencedOutException(subscriber, token, fence);
        }
        fence = token;
    }

    DeliveryCheckpoint covered() {
        return covered;
    }

    NavigableSet<Long> owed() {
        return owed;
    }

    boolean isDelivered(long sequence) {
        return covered.isDelivered(sequence) && !owed.contains(sequence);
    }

    /** Whether the event may be handed out: not dead-lettered and not behind a dead letter. */
    boolean isDeliverable(long orderId, long sequence) {
        NavigableSet<Long> dead = deadByOrder.get(orderId);
        return dead == null || dead.first() > sequence;
    }

    boolean holdsBack(long orderId) {
        return deadByOrder.containsKey(orderId);
    }

    /** Returns the dead letter a delivery resolved, if any. */
    DeadLetter markDelivered(long sequence) {
        covered.markDelivered(sequence);
        owed.remove(sequence);
        return removeDeadLetter(sequence);
    }

    /** Takes an undelivered event out of the pending ones until its order is released. */
    void hold(long sequence) {
        if (!isDelivered(sequence)) {
            covered.markDelivered(sequence);
            owed.add(sequence);
        }
    }

    /** Records a dead letter; returns the one it replaced, if any. */
    DeadLetter deadLetter(DeadLetter letter) {
        long sequence = letter.event().sequence();
        covered.markDelivered(sequence);
        owed.add(sequence);
        deadByOrder.computeIfAbsent(letter.event().orderId(), key -> new TreeSet<>()).add(sequence);
        return deadLetters.put(sequence, letter);
    }

    DeadLetter deadLetter(long sequence) {
        return deadLetters.get(sequence);
    }

    /** Removes a dead letter, leaving its event owed (pending again); returns it, or null. */
    DeadLetter removeDeadLetter(long sequence) {
        DeadLetter letter = deadLetters.remove(sequence);
        if (letter != null) {
            NavigableSet<Long> dead = deadByOrder.get(letter.event().orderId());
            dead.remove(sequence);
            if (dead.isEmpty()) {
                deadByOrder.remove(letter.event().orderId());
            }
        }
        return letter;
    }

    NavigableMap<Long, DeadLetter> deadLetters() {
        return deadLetters;
    }
}
