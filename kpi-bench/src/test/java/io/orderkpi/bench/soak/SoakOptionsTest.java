package io.orderkpi.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SoakOptionsTest {

    @Test
    void fiveMinutesAtTheDefaultRatesUnlessToldOtherwise() {
        SoakOptions defaults = SoakOptions.parse();
        SoakOptions tuned = SoakOptions.parse("0.5", "--orders-per-second", "20", "--rows-per-file", "200",
                "--refunds-per-second", "4", "--reads-per-second", "50", "--drain-minutes", "2");

        assertThat(defaults.duration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.secondsPerFile()).isEqualTo(10.0);
        assertThat(tuned.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(tuned.secondsPerFile()).isEqualTo(10.0);
        assertThat(tuned.refundsPerSecond()).isEqualTo(4);
        assertThat(tuned.readsPerSecond()).isEqualTo(50);
        assertThat(tuned.drainBound()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> SoakOptions.parse("five")).hasMessage("MINUTES: not a number 'five'");
        assertThatThrownBy(() -> SoakOptions.parse("0")).hasMessage("MINUTES: must be greater than 0");
        assertThatThrownBy(() -> SoakOptions.parse("2000")).hasMessageContaining("MINUTES: at most 1440");
        assertThatThrownBy(() -> SoakOptions.parse("--reads-per-second", "-1"))
                .hasMessage("--reads-per-second: must be greater than 0");
        assertThatThrownBy(() -> SoakOptions.parse("--rows-per-file", "1.5"))
                .hasMessage("--rows-per-file: not a whole number '1.5'");
        assertThatThrownBy(() -> SoakOptions.parse("--rows-per-file")).hasMessage("--rows-per-file needs a value");
        assertThatThrownBy(() -> SoakOptions.parse("--fast", "1")).hasMessage("unknown soak argument: --fast");
        assertThatThrownBy(() -> SoakOptions.parse().on("postgres://x", "redis://x", Duration.ofMinutes(1)))
                .hasMessageContaining(SoakOptions.MYSQL_URL_VARIABLE);
    }
}
