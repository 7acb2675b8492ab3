package io.orderkpi.core.notification;

import io.orderkpi.core.event.EventType;
import java.util.Locale;
import java.util.Optional;

/** What a notification tells the customer (SPEC §7); one per event type that notifies. */
public enum NotificationType {
    ORDER_COMPLETED,
    ORDER_FAILED,
    REFUND_PROCESSED;

    /** The name in JSON and storage: {@code order_completed}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@link #wireName()} (case ignored); empty for an unknown name. */
    public static Optional<NotificationType> fromWireName(String text) {
        String upper = text.strip().toUpperCase(Locale.ROOT);
        for (NotificationType type : values()) {
            if (type.name().equals(upper)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** The notification an event causes; empty for the events that notify nobody. */
    public static Optional<NotificationType> forEvent(EventType event) {
        return switch (event) {
            case ORDER_COMPLETED -> Optional.of(ORDER_COMPLETED);
            case ORDER_FAILED -> Optional.of(ORDER_FAILED);
            case REFUND_PROCESSED -> Optional.of(REFUND_PROCESSED);
            default -> Optional.empty();
        };
    }

    @Override
    public String toString() {
        return wireName();
    }
}
