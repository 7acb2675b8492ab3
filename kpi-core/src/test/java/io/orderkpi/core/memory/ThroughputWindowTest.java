package io.orderkpi.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ThroughputWindowTest {

    private static final Instant T = Instant.parse("2026-01-05T09:00:00Z");

    @Test
    void countsCompletionsOfTheLastSixtySeconds() {
        ThroughputWindow window = new ThroughputWindow();
        window.record(T);
        window.record(T.plusSeconds(30));
        window.record(T.plusMillis(59_999));

        assertThat(window.countUpTo(T.plusMillis(59_999))).isEqualTo(3);
        assertThat(window.countUpTo(T.plusSeconds(60))).isEqualTo(2);
        assertThat(window.countUpTo(T.plusSeconds(118))).isEqualTo(1);
        assertThat(window.countUpTo(T.plusSeconds(119))).isZero();
    }

    @Test
    void reusesABucketOnceItsSecondHasPassed() {
        ThroughputWindow window = new ThroughputWindow();
        window.record(T);
        window.record(T);
        window.record(T.plusSeconds(60));

        assertThat(window.countUpTo(T.plusSeconds(60))).isEqualTo(1);
    }

    @Test
    void ignoresCompletionsAfterTheGivenTime() {
        ThroughputWindow window = new ThroughputWindow();
        window.record(T.plusSeconds(5));

        assertThat(window.countUpTo(T)).isZero();
    }
}
