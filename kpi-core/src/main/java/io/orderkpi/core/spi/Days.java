package io.orderkpi.core.spi;

import java.time.LocalDate;
import java.util.List;

/** Ranges of days as the range reads of {@link KpiStore} take them. */
public final class Days {

    private Days() {
    }

    /**
     * Every day of {@code [from, to]}, in order.
     *
     * @throws IllegalArgumentException when {@code from} is after {@code to}
     */
    public static List<LocalDate> between(LocalDate from, LocalDate to) {
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("from " + from + " is after to " + to);
        }
        return from.datesUntil(to.plusDays(1)).toList();
    }
}
