package io.orderkpi.core.order;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An exact amount of the reporting currency in minor units (cents). Never a {@code double}:
 * every sum and count stays exact, and only division (averages, rates) rounds, HALF_UP at two
 * decimals. Immutable and thread-safe.
 *
 * @param cents the amount in minor units; may be negative (net revenue after refunds)
 */
public record Money(long cents) implements Comparable<Money> {

    public static final Money ZERO = new Money(0);

    /** Digits before the point that {@link #plainCents} takes: 10^16 - 1 dollars fit a long of cents. */
    private static final int PLAIN_DIGITS = 16;
    /** Not a plain amount: no plain amount has these cents, since it has at most 16 digits before the point. */
    private static final long NOT_PLAIN = Long.MIN_VALUE;

    public static Money ofCents(long cents) {
        return cents == 0 ? ZERO : new Money(cents);
    }

    /**
     * Parses a decimal amount such as {@code 129.5} or {@code 15234.50} exactly.
     *
     * @throws NumberFormatException when the text is not a plain decimal number or has more than two
     *         decimals
     * @throws ArithmeticException   when the amount does not fit in a {@code long} of cents
     */
    public static Money parse(String text) {
        String trimmed = text.strip();
        long plain = plainCents(trimmed);
        if (plain != NOT_PLAIN) {
            return ofCents(plain);
        }
        if (trimmed.isEmpty()) {
            throw new NumberFormatException("empty amount");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            boolean sign = i == 0 && (c == '-' || c == '+');
            if (!sign && c != '.' && (c < '0' || c > '9')) {
                throw new NumberFormatException("not a decimal number: " + text);
            }
        }
        BigDecimal value = new BigDecimal(trimmed);
        if (value.stripTrailingZeros().scale() > 2) {
            throw new NumberFormatException("more than 2 decimals: " + text);
        }
        return ofCents(value.movePointRight(2).longValueExact());
    }

    /**
     * The cents of the common form, an optional sign, 1 to {@value #PLAIN_DIGITS} digits and
     * optionally a point with one or two digits, without a {@link BigDecimal} (an import parses
     * every amount of every row); {@link #NOT_PLAIN} for any other text, which the general parse
     * decides. At most {@value #PLAIN_DIGITS} digits before the point cannot overflow.
     */
    private static long plainCents(String text) {
        int length = text.length();
        int at = 0;
        boolean negative = false;
        if (length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
            negative = text.charAt(0) == '-';
            at = 1;
        }
        int digitsFrom = at;
        long units = 0;
        while (at < length && at - digitsFrom < PLAIN_DIGITS && isDigit(text.charAt(at))) {
            units = units * 10 + (text.charAt(at) - '0');
            at++;
        }
        if (at == digitsFrom) {
            return NOT_PLAIN;
        }
        long fraction = 0;
        if (at < length) {
            int decimals = length - at - 1;
            if (text.charAt(at) != '.' || decimals < 1 || decimals > 2) {
                return NOT_PLAIN;
            }
            for (int i = at + 1; i < length; i++) {
                if (!isDigit(text.charAt(i))) {
                    return NOT_PLAIN;
                }
                fraction = fraction * 10 + (text.charAt(i) - '0');
            }
            if (decimals == 1) {
                fraction *= 10;
            }
        }
        long cents = units * 100 + fraction;
        return negative ? -cents : cents;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Rounds any decimal amount HALF_UP to whole cents. */
    public static Money of(BigDecimal amount) {
        return ofCents(amount.setScale(2, RoundingMode.HALF_UP).movePointRight(2).longValueExact());
    }

    /** The quotient {@code this / divisor}, HALF_UP to the cent; zero when the divisor is zero. */
    public Money dividedBy(long divisor) {
        if (divisor == 0) {
            return ZERO;
        }
        return of(BigDecimal.valueOf(cents, 2).divide(BigDecimal.valueOf(divisor), 2, RoundingMode.HALF_UP));
    }

    public Money plus(Money other) {
        return ofCents(Math.addExact(cents, other.cents));
    }

    public Money minus(Money other) {
        return ofCents(Math.subtractExact(cents, other.cents));
    }

    public Money times(long factor) {
        return ofCents(Math.multiplyExact(cents, factor));
    }

    public boolean isPositive() {
        return cents > 0;
    }

    public BigDecimal toBigDecimal() {
        return BigDecimal.valueOf(cents, 2);
    }

    @Override
    public int compareTo(Money other) {
        return Long.compare(cents, other.cents);
    }

    /** Two-decimal text, as JSON and CSV show money: {@code 15234.50}, {@code -3.05}. */
    @Override
    public String toString() {
        return toBigDecimal().toPlainString();
    }
}
