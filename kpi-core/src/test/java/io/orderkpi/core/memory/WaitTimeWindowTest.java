package io.orderkpi.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WaitTimeWindowTest {

    @Test
    void isZeroWhenEmpty() {
        assertThat(new WaitTimeWindow(10).percentile(95)).isZero();
    }

    @Test
    void takesNearestRankPercentiles() {
        WaitTimeWindow window = new WaitTimeWindow(1_000);
        for (int wait = 100; wait >= 1; wait--) {
            window.record(wait);
        }

        assertThat(window.percentile(50)).isEqualTo(50);
        assertThat(window.percentile(95)).isEqualTo(95);
        assertThat(window.percentile(100)).isEqualTo(100);
    }

    @Test
    void forgetsTheOldestSampleWhenFull() {
        WaitTimeWindow window = new WaitTimeWindow(3);
        for (long wait : new long[] {9_000, 9_000, 9_000, 1, 2, 3}) {
            window.record(wait);
        }

        assertThat(window.percentile(100)).isEqualTo(3);
        assertThat(window.percentile(50)).isEqualTo(2);
    }
}
