package io.orderkpi.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryRecordStoreDeliveryCheckpointTest {

    @Test
    void forgetsOutOfOrderMarksOnceTheCheckpointReachesThem() {
        DeliveryCheckpoint delivered = new DeliveryCheckpoint();

        delivered.markDelivered(3);
        delivered.markDelivered(5);
        delivered.markDelivered(4);
        assertThat(delivered.upTo()).isZero();
        assertThat(delivered.gaps()).isEqualTo(3);
        assertThat(delivered.isDelivered(2)).isFalse();
        assertThat(delivered.isDelivered(4)).isTrue();

        delivered.markDelivered(1);
        delivered.markDelivered(2);

        assertThat(delivered.upTo()).isEqualTo(5);
        assertThat(delivered.gaps()).isZero();
    }

    @Test
    void inOrderDeliveryKeepsNothingButTheCheckpoint() {
        DeliveryCheckpoint delivered = new DeliveryCheckpoint();

        for (long sequence = 1; sequence <= 10_000; sequence++) {
            delivered.markDelivered(sequence);
            delivered.markDelivered(sequence);
        }

        assertThat(delivered.upTo()).isEqualTo(10_000);
        assertThat(delivered.gaps()).isZero();
    }
}
