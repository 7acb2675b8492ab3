package io.orderkpi.core.kpi;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One KPI fact: the effect of one event on one day's KPIs, applied exactly once by its key
 * (SPEC §5). Immutable and thread-safe.
 *
 * <p>Effects on {@link #day()}:
 * <ul>
 *   <li>{@link Kind#COMPLETED_ORDER}: gross revenue += cents, successful orders += 1, the
 *       customer joins the day's customers, the customer's net spend += cents;</li>
 *   <li>{@link Kind#FAILED_ORDER}: failed orders += 1 (the customer is not counted);</li>
 *   <li>{@link Kind#REFUND}: refunds += cents, the customer's net spend −= cents.</li>
 * </ul>
 *
 * @param key        the idempotency key: {@code order:{id}:completed}, {@code order:{id}:failed} or
 *                   {@code refund:{refund_id}}; a key always comes with the same day, since facts
 *                   are derived from the records (the order's {@code placed_at}, the refund's
 *                   {@code processed_at}, in the KPI zone)
 * @param cents      the order total, the refund amount, or 0 for a failed order
 */
public record KpiFact(String key, LocalDate day, Kind kind, String customerId, long cents) {

    /** What happened; decides the fact's effect. */
    public enum Kind {
        COMPLETED_ORDER,
        FAILED_ORDER,
        REFUND
    }

    public KpiFact {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(customerId, "customerId");
        if (cents < 0) {
            throw new IllegalArgumentException("Negative amount in KPI fact " + key + ": " + cents);
        }
        if (kind == Kind.FAILED_ORDER && cents != 0) {
            throw new IllegalArgumentException("A failed order carries no amount: " + key);
        }
    }

    /** The fact of an order that reached {@code completed}, on the day it was placed. */
    public static KpiFact completed(long orderId, LocalDate day, String customerId, long totalCents) {
        return new KpiFact("order:" + orderId + ":completed", day, Kind.COMPLETED_ORDER, customerId, totalCents);
    }

    /** The fact of an order cancelled by the workflow or imported as failed, on the day it was placed. */
    public static KpiFact failed(long orderId, LocalDate day, String customerId) {
        return new KpiFact("order:" + orderId + ":failed", day, Kind.FAILED_ORDER, customerId, 0);
    }

    /** The fact of a processed refund, on the day it was processed. */
    public static KpiFact refund(String refundId, LocalDate day, String customerId, long refundCents) {
        return new KpiFact("refund:" + refundId, day, Kind.REFUND, customerId, refundCents);
    }
}
