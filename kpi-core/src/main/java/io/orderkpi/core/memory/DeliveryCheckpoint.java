package io.orderkpi.core.memory;

import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Which outbox sequences one subscriber has had delivered: every sequence up to {@link #upTo()}
 * plus the few above it that were marked out of order. The set above the checkpoint is compacted
 * as the checkpoint advances, so memory follows the gaps, not the number of delivered events.
 *
 * <p>Not thread-safe: {@link MemoryRecordStore} guards it with its lock.
 */
final class DeliveryCheckpoint {

    /** Every sequence {@code <= upTo} is delivered. Sequences start at 1. */
    private long upTo;
    private final NavigableSet<Long> deliveredAbove = new TreeSet<>();

    long upTo() {
        return upTo;
    }

    /** The highest sequence marked delivered (0 when none): nothing above it is delivered. */
    long highest() {
        return deliveredAbove.isEmpty() ? upTo : deliveredAbove.last();
    }

    boolean isDelivered(long sequence) {
        return sequence <= upTo || deliveredAbove.contains(sequence);
    }

    /** Marks one sequence delivered; the caller has checked it exists. Idempotent. */
    void markDelivered(long sequence) {
        if (sequence <= upTo) {
            return;
        }
        if (sequence == upTo + 1) {
            upTo = sequence;
            // Pull in the run of out-of-order marks the new checkpoint now touches.
            while (!deliveredAbove.isEmpty() && deliveredAbove.first() == upTo + 1) {
                upTo = deliveredAbove.pollFirst();
            }
        } else {
            deliveredAbove.add(sequence);
        }
    }

    /** How many sequences above the checkpoint are remembered individually (for tests). */
    int gaps() {
        return deliveredAbove.size();
    }
}
