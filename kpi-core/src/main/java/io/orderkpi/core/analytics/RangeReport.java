package io.orderkpi.core.analytics;

import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Rates;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * KPIs over a range of days: additive fields summed, ratios recomputed from the range totals,
 * and the true number of distinct customers over the range (never a sum of daily counts).
 *
 * @param daily every day of the range in order, zeros where there is no data
 */
public record RangeReport(LocalDate from, LocalDate to, long grossRevenueCents, long refundCents,
        long successfulOrders, long failedOrders, long uniqueCustomers, List<DailyTotals> daily) {

    public RangeReport {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        daily = List.copyOf(daily);
    }

    public Money grossRevenue() {
        return Money.ofCents(grossRevenueCents);
    }

    /** Net revenue: gross minus refunds. */
    public Money totalRevenue() {
        return Money.ofCents(grossRevenueCents - refundCents);
    }

    public Money refundAmount() {
        return Money.ofCents(refundCents);
    }

    public long orderCount() {
        return successfulOrders + failedOrders;
    }

    public Money averageOrderValue() {
        return Money.ofCents(grossRevenueCents).dividedBy(successfulOrders);
    }

    public BigDecimal conversionRate() {
        return Rates.percent(successfulOrders, orderCount());
    }
}
