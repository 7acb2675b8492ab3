package io.orderkpi.examples;

import io.orderkpi.core.analytics.DailyReport;
import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.LeaderboardEntry;
import io.orderkpi.core.order.Money;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Locale;

/** Prints KPIs the way the seed's {@code analytics:daily-report} command does. */
final class Reports {

    private Reports() {
    }

    /** The "Metric | Value" table and the "Rank | Customer ID | Total Spent" leaderboard of one day. */
    static void printDaily(PrintStream out, LocalDate day, DailyReport report) {
        DailyTotals totals = report.totals();
        out.println("Daily Report for " + day);
        new TextTable("Metric", "Value")
                .row("Total Revenue", money(totals.totalRevenue()))
                .row("Order Count", totals.orderCount())
                .row("Successful Orders", totals.successfulOrders())
                .row("Failed Orders", totals.failedOrders())
                .row("Conversion Rate", percent(totals.conversionRate()))
                .row("Average Order Value", money(totals.averageOrderValue()))
                .row("Unique Customers", totals.uniqueCustomers())
                .row("Refund Amount", money(totals.refundAmount()))
                .print(out);
        out.println();
        out.println("Top " + report.leaderboard().size() + " Customers");
        TextTable leaderboard = new TextTable("Rank", "Customer ID", "Total Spent");
        for (LeaderboardEntry entry : report.leaderboard()) {
            leaderboard.row(entry.rank(), entry.customerId(), money(entry.totalSpent()));
        }
        leaderboard.print(out);
    }

    /**
     * {@code $1,234.50}, {@code -$3.05}: grouped, two decimals. Formatted from the exact
     * {@link BigDecimal} (the formatter never goes through {@code double}), so no cent is lost.
     */
    static String money(Money amount) {
        BigDecimal value = amount.toBigDecimal();
        String digits = String.format(Locale.ROOT, "%,.2f", value.abs());
        return (value.signum() < 0 ? "-$" : "$") + digits;
    }

    /** {@code 87.50%}: the KPI rates are already rounded HALF_UP to two decimals. */
    static String percent(BigDecimal rate) {
        return rate.setScale(2, RoundingMode.HALF_UP).toPlainString() + "%";
    }
}
