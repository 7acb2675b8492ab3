package io.orderkpi.core.order;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Ratios the KPIs report, rounded HALF_UP at two decimals like money. */
public final class Rates {

    private Rates() {
    }

    /** {@code part / whole × 100}, two decimals HALF_UP; zero when {@code whole} is zero. */
    public static BigDecimal percent(long part, long whole) {
        if (whole == 0) {
            return BigDecimal.ZERO.setScale(2);
        }
        return BigDecimal.valueOf(part).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP);
    }
}
