package io.orderkpi.core.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {

    @ParameterizedTest(name = "{0} is {1} cents")
    @CsvSource({"0,0", "1,100", "1.5,150", "1.50,150", "15234.50,1523450", "0.01,1", ".5,50", "7.,700",
            "-3.05,-305", "+2.10,210", "1.500,150", "00012.30,1230"})
    void parsesDecimalTextExactly(String text, long cents) {
        assertThat(Money.parse(text).cents()).isEqualTo(cents);
    }

    /** The plain form (sign, at most 16 digits, a point and one or two digits) is parsed without BigDecimal: its edges. */
    @ParameterizedTest(name = "{0} is {1} cents")
    @CsvSource({"9,900", "09,900", "0.09,9", "9.90,990", "1.05,105", "-0,0", "+0.0,0", "' 12.30 ',1230",
            "9999999999999999.99,999999999999999999", "-9999999999999999.99,-999999999999999999",
            "1000000000000000,100000000000000000", "12345678901234567.89,1234567890123456789",
            "92233720368547758.07,9223372036854775807", "-92233720368547758.08,-9223372036854775808",
            "-.5,-50", "1.230,123", "5.,500"})
    void parsesThePlainFormAndWhatLiesJustBeyondItExactly(String text, long cents) {
        assertThat(Money.parse(text).cents()).isEqualTo(cents);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "1,50", "1.234", "0.001", "1e3", "--1", "1.2.3", "$5", "NaN", ".",
            "-", "+", "1a", "a1", "1.5a", "1.a", "1 .5", "12.3.", "+-1", "9999999999999999.999", "/1", "1:"})
    void refusesTextThatIsNotAnAmountOfAtMostTwoDecimals(String text) {
        assertThatThrownBy(() -> Money.parse(text)).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void refusesAnAmountTooLargeForLongCents() {
        assertThatThrownBy(() -> Money.parse("99999999999999999999.00")).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.parse("92233720368547758.08")).isInstanceOf(ArithmeticException.class);
    }

    @ParameterizedTest(name = "{0} rounds to {1}")
    @CsvSource({"1.005,1.01", "1.004,1.00", "2.675,2.68", "-1.005,-1.01", "0.125,0.13", "10,10.00"})
    void roundsHalfUpAtTwoDecimals(String amount, String expected) {
        assertThat(Money.of(new BigDecimal(amount)).toString()).isEqualTo(expected);
    }

    @Test
    void dividesHalfUpToTheCentAndGivesZeroForNoDivisor() {
        assertThat(Money.ofCents(1000).dividedBy(3)).isEqualTo(Money.ofCents(333));
        assertThat(Money.ofCents(200).dividedBy(3)).isEqualTo(Money.ofCents(67));
        assertThat(Money.ofCents(1).dividedBy(2)).isEqualTo(Money.ofCents(1));
        assertThat(Money.ofCents(999).dividedBy(0)).isEqualTo(Money.ZERO);
    }

    @Test
    void showsTwoDecimals() {
        assertThat(Money.ofCents(1523450)).hasToString("15234.50");
        assertThat(Money.ofCents(5)).hasToString("0.05");
        assertThat(Money.ofCents(-305)).hasToString("-3.05");
        assertThat(Money.ZERO).hasToString("0.00");
    }

    @Test
    void addsSubtractsAndMultipliesExactly() {
        Money tenCents = Money.ofCents(10);
        Money sum = Money.ZERO;
        for (int i = 0; i < 10; i++) {
            sum = sum.plus(tenCents);
        }
        assertThat(sum).isEqualTo(Money.ofCents(100));
        assertThat(Money.parse("19.99").times(3)).isEqualTo(Money.parse("59.97"));
        assertThat(Money.parse("5.00").minus(Money.parse("7.25"))).isEqualTo(Money.parse("-2.25"));
        assertThatThrownBy(() -> Money.ofCents(Long.MAX_VALUE).plus(Money.ofCents(1)))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void computesRatesHalfUpAtTwoDecimals() {
        assertThat(Rates.percent(118, 125)).isEqualByComparingTo("94.40");
        assertThat(Rates.percent(1, 3)).isEqualByComparingTo("33.33");
        assertThat(Rates.percent(2, 3)).isEqualByComparingTo("66.67");
        assertThat(Rates.percent(0, 0)).isEqualByComparingTo("0.00");
        assertThat(Rates.percent(1, 8)).hasToString("12.50");
    }
}
