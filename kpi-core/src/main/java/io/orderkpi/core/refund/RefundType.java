package io.orderkpi.core.refund;

import java.util.Locale;
import java.util.Optional;

/** Whether a refund gives back everything still refundable or a given amount (SPEC §6). */
public enum RefundType {
    /** Refunds what remains of the order: its total minus the refunds not failed. */
    FULL,
    /** Refunds the amount of the request. */
    PARTIAL;

    /** The name in JSON and storage: {@code full}, {@code partial}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@link #wireName()} (case ignored). */
    public static Optional<RefundType> fromWireName(String text) {
        String upper = text.strip().toUpperCase(Locale.ROOT);
        for (RefundType type : values()) {
            if (type.name().equals(upper)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
