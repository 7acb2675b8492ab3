package io.orderkpi.core.analytics;

import io.orderkpi.core.event.EventData;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.refund.Refund;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place that says which facts an event, or a stored order, stands for, so live KPIs and
 * their recomputation cannot drift apart (SPEC §3 last point, §5).
 */
final class KpiFacts {

    private KpiFacts() {
    }

    /** The fact a delivered event stands for, if any. */
    static Optional<KpiFact> of(OutboxEvent event, ZoneId zone) {
        var data = event.data();
        return switch (event.type()) {
            case ORDER_COMPLETED -> Optional.of(KpiFact.completed(event.orderId(), placedDay(data.get(EventData.PLACED_AT), zone),
                    data.get(EventData.CUSTOMER_ID), Long.parseLong(data.get(EventData.TOTAL_CENTS))));
            case ORDER_FAILED -> Optional.of(KpiFact.failed(event.orderId(), placedDay(data.get(EventData.PLACED_AT), zone),
                    data.get(EventData.CUSTOMER_ID)));
            case REFUND_PROCESSED -> Optional.of(KpiFact.refund(data.get(EventData.REFUND_ID),
                    placedDay(data.get(EventData.PROCESSED_AT), zone), data.get(EventData.CUSTOMER_ID),
                    Long.parseLong(data.get(EventData.REFUND_CENTS))));
            default -> Optional.empty();
        };
    }

    /**
     * The order facts a stored order stands for: completed for every status that passed
     * {@code completed}, failed for {@code cancelled}, plus the full refund on the placed day of an
     * order imported as {@code refunded} (one without a completed refund of the refund service,
     * which counts on its own day instead).
     */
    static List<KpiFact> of(Order order, ZoneId zone, boolean hasCompletedRefund) {
        var day = order.placedAt().atZone(zone).toLocalDate();
        List<KpiFact> facts = new ArrayList<>(2);
        switch (order.status()) {
            case COMPLETED, PARTIALLY_REFUNDED -> facts.add(completed(order, day));
            case REFUNDED -> {
                facts.add(completed(order, day));
                if (!hasCompletedRefund) {
                    facts.add(KpiFact.refund(EventData.importedRefundId(order.id()), day, order.customerId(),
                            order.totalAmount().cents()));
                }
            }
            case CANCELLED -> facts.add(KpiFact.failed(order.id(), day, order.customerId()));
            default -> {
                // Not final yet: counts only once processed.
            }
        }
        return facts;
    }

    /** The fact of a refund the refund service completed, on its processed day. */
    static KpiFact of(Refund refund, ZoneId zone) {
        Instant processedAt = Objects.requireNonNull(refund.processedAt(), "a completed refund has processedAt");
        return KpiFact.refund(refund.refundId(), processedAt.atZone(zone).toLocalDate(), refund.customerId(),
                refund.amount().cents());
    }

    private static KpiFact completed(Order order, java.time.LocalDate day) {
        return KpiFact.completed(order.id(), day, order.customerId(), order.totalAmount().cents());
    }

    private static java.time.LocalDate placedDay(String isoInstant, ZoneId zone) {
        return Instant.parse(isoInstant).atZone(zone).toLocalDate();
    }
}
