package io.orderkpi.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AppliedKeysTest {

    @Test
    void remembersEveryKeyOnceThroughManyGrowths() {
        AppliedKeys keys = new AppliedKeys();
        for (long id = 0; id < 100_000; id++) {
            assertThat(keys.add("order:" + id + ":completed")).isTrue();
        }
        for (long id = 0; id < 100_000; id++) {
            assertThat(keys.add("order:" + id + ":completed")).isFalse();
        }
        assertThat(keys.size()).isEqualTo(100_000);
    }

    @Test
    void theCompletedAndFailedKeysOfAnOrderAreDistinct() {
        AppliedKeys keys = new AppliedKeys();

        assertThat(keys.add("order:7:completed")).isTrue();
        assertThat(keys.add("order:7:failed")).isTrue();
        assertThat(keys.add("order:7:failed")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"order:007:completed", "order:+7:completed", "order:7:completed:x", "order::completed",
            "order:7:Completed", "order:7", "refund:7", "order:99999999999999999999:completed",
            "order:4611686018427387904:failed", "Order:7:completed"})
    void keepsAnyOtherKeyAsTextDistinctFromTheCanonicalOrderKey(String key) {
        AppliedKeys keys = new AppliedKeys();
        keys.add("order:7:completed");
        keys.add("order:7:failed");

        assertThat(AppliedKeys.pack(key)).isZero();
        assertThat(keys.add(key)).isTrue();
        assertThat(keys.add(key)).isFalse();
    }

    @Test
    void packsDistinctCanonicalKeysToDistinctNonZeroCodes() {
        long largest = (Long.MAX_VALUE >> 1) - 10;

        assertThat(AppliedKeys.pack("order:0:completed")).isNotZero()
                .isNotEqualTo(AppliedKeys.pack("order:0:failed"));
        assertThat(AppliedKeys.pack("order:" + largest + ":failed")).isPositive()
                .isNotEqualTo(AppliedKeys.pack("order:" + (largest - 1) + ":failed"));
    }
}
