package io.orderkpi.core.notification;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a notification's delivery stands. {@code PENDING} until the first attempt; each attempt
 * then sets {@code SENT} or {@code FAILED}, and a failed one may still become {@code SENT} on a
 * retry. {@code SENT} is final.
 */
public enum NotificationState {
    PENDING,
    SENT,
    FAILED;

    /** The name in JSON and storage: {@code sent}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@link #wireName()} (case ignored); empty for an unknown name. */
    public static Optional<NotificationState> fromWireName(String text) {
        String upper = text.strip().toUpperCase(Locale.ROOT);
        for (NotificationState state : values()) {
            if (state.name().equals(upper)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
