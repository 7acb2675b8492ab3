package io.orderkpi.core.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.core.order.Money;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DailyTotalsTest {

    private static final LocalDate DAY = LocalDate.of(2025, 11, 16);

    @Test
    void anEmptyDayHasZerosEverywhereIncludingItsRatios() {
        DailyTotals empty = DailyTotals.empty(DAY);

        assertThat(empty).isEqualTo(new DailyTotals(DAY, 0, 0, 0, 0, 0));
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.averageOrderValue()).isEqualTo(Money.ZERO);
        assertThat(empty.conversionRate()).isEqualTo(new BigDecimal("0.00"));
        assertThat(empty.orderCount()).isZero();
    }

    @Test
    void totalRevenueIsGrossMinusTheDaysRefundsAndMayBeNegative() {
        assertThat(new DailyTotals(DAY, 10_000, 2, 0, 2_500, 2).totalRevenueCents()).isEqualTo(7_500);
        assertThat(new DailyTotals(DAY, 10_000, 2, 0, 2_500, 2).totalRevenue()).hasToString("75.00");
        assertThat(new DailyTotals(DAY, 0, 0, 0, 2_000, 0).totalRevenue()).hasToString("-20.00");
    }

    @Test
    void orderCountAddsSuccessfulAndFailedOrders() {
        assertThat(new DailyTotals(DAY, 100, 3, 4, 0, 1).orderCount()).isEqualTo(7);
    }

    @ParameterizedTest(name = "{0} cents over {1} orders is {2}")
    @CsvSource({"3001,3,10.00", "2001,2,10.01", "1000,3,3.33", "200,3,0.67", "0,0,0.00", "5000,0,0.00"})
    void averageOrderValueIsGrossPerSuccessfulOrderHalfUpToTheCent(long gross, long successful, String expected) {
        DailyTotals totals = new DailyTotals(DAY, gross, successful, 5, 0, 1);

        assertThat(totals.averageOrderValue()).hasToString(expected);
    }

    @ParameterizedTest(name = "{0} of {0}+{1} orders is {2}%")
    @CsvSource({"2,1,66.67", "1,2,33.33", "1,7,12.50", "0,4,0.00", "3,0,100.00", "0,0,0.00", "1,199999,0.00",
            "1,1999,0.05"})
    void conversionRateIsAPercentageWithTwoDecimalsHalfUp(long successful, long failed, String expected) {
        DailyTotals totals = new DailyTotals(DAY, successful * 100, successful, failed, 0, successful);

        assertThat(totals.conversionRate()).isEqualTo(new BigDecimal(expected));
    }

    @Test
    void moneyViewsShowTheCentsWithTwoDecimals() {
        DailyTotals totals = new DailyTotals(DAY, 1_523_450, 10, 0, 305, 7);

        assertThat(totals.grossRevenue()).isEqualTo(Money.ofCents(1_523_450));
        assertThat(totals.refundAmount()).hasToString("3.05");
        assertThat(totals.isEmpty()).isFalse();
    }
}
