package io.orderkpi.core.spi;

/**
 * A point in the outbox, read with {@link Outbox#position()}: every event recorded up to it was
 * committed when it was read, and every event recorded later comes after it. A rebuild reads one
 * before it reads the records, then replays {@link Outbox#recordedAfter} it, so no event falls
 * between the records it read and the events it replays.
 *
 * @param sequence the highest sequence at or below which no event can still appear
 */
public record OutboxPosition(long sequence) {

    /** Before the first event. */
    public static final OutboxPosition START = new OutboxPosition(0);

    public OutboxPosition {
        if (sequence < 0) {
            throw new IllegalArgumentException("An outbox position is not negative: " + sequence);
        }
    }
}
