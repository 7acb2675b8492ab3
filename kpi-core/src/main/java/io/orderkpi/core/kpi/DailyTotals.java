package io.orderkpi.core.kpi;

import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Rates;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/**
 * The additive KPIs of one day as a {@link io.orderkpi.core.spi.KpiStore} keeps them: integers
 * only, so sums over days stay exact. Ratios are computed from these on read (SPEC §5), never
 * stored, because a stored ratio cannot be summed over a range. Immutable and thread-safe.
 *
 * @param grossRevenueCents sum of the totals of the orders completed that day
 * @param refundCents       sum of the refunds processed that day
 * @param uniqueCustomers   distinct customers with a completed order that day; over a range,
 *                          union the days' customer sets instead of summing this
 */
public record DailyTotals(LocalDate day, long grossRevenueCents, long successfulOrders, long failedOrders,
        long refundCents, long uniqueCustomers) {

    public DailyTotals {
        Objects.requireNonNull(day, "day");
    }

    /** A day without data: every field zero. */
    public static DailyTotals empty(LocalDate day) {
        return new DailyTotals(day, 0, 0, 0, 0, 0);
    }

    /** Gross revenue minus the refunds processed that day (net, as the seed reports it). */
    public long totalRevenueCents() {
        return grossRevenueCents - refundCents;
    }

    public long orderCount() {
        return successfulOrders + failedOrders;
    }

    public Money grossRevenue() {
        return Money.ofCents(grossRevenueCents);
    }

    public Money totalRevenue() {
        return Money.ofCents(totalRevenueCents());
    }

    public Money refundAmount() {
        return Money.ofCents(refundCents);
    }

    /** Gross revenue per successful order, HALF_UP to the cent; zero when there is none. */
    public Money averageOrderValue() {
        return Money.ofCents(grossRevenueCents).dividedBy(successfulOrders);
    }

    /** Successful orders as a percentage of all orders, two decimals HALF_UP; zero when there is none. */
    public BigDecimal conversionRate() {
        return Rates.percent(successfulOrders, orderCount());
    }

    /** True when every field is zero. */
    public boolean isEmpty() {
        return grossRevenueCents == 0 && successfulOrders == 0 && failedOrders == 0 && refundCents == 0
                && uniqueCustomers == 0;
    }
}
