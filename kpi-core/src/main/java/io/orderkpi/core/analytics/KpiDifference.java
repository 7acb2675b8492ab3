package io.orderkpi.core.analytics;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One field of one day on which the KPI store and a recomputation from the records disagree.
 *
 * @param field    a KPI field name ({@code gross_revenue}, {@code unique_customers}, ...) or
 *                 {@code leaderboard[customer_id]}
 * @param stored   what the KPI store holds
 * @param expected what the records say
 */
public record KpiDifference(LocalDate day, String field, String stored, String expected) {

    public KpiDifference {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(stored, "stored");
        Objects.requireNonNull(expected, "expected");
    }
}
