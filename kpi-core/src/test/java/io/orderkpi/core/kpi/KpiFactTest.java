package io.orderkpi.core.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class KpiFactTest {

    private static final LocalDate DAY = LocalDate.of(2025, 11, 16);

    @Test
    void aCompletedOrderIsKeyedByItsOrderIdAndCarriesItsTotal() {
        KpiFact fact = KpiFact.completed(42, DAY, "cust-1", 12_550);

        assertThat(fact).isEqualTo(new KpiFact("order:42:completed", DAY, KpiFact.Kind.COMPLETED_ORDER, "cust-1",
                12_550));
    }

    @Test
    void aFailedOrderIsKeyedByItsOrderIdAndCarriesNoAmount() {
        KpiFact fact = KpiFact.failed(42, DAY, "cust-1");

        assertThat(fact.key()).isEqualTo("order:42:failed");
        assertThat(fact.kind()).isEqualTo(KpiFact.Kind.FAILED_ORDER);
        assertThat(fact.cents()).isZero();
    }

    @Test
    void aRefundIsKeyedByItsRefundIdSoEachRefundOfAnOrderCounts() {
        KpiFact first = KpiFact.refund("rf_7a1", DAY, "cust-1", 500);
        KpiFact second = KpiFact.refund("rf_7a2", DAY, "cust-1", 500);

        assertThat(first.key()).isEqualTo("refund:rf_7a1");
        assertThat(first.kind()).isEqualTo(KpiFact.Kind.REFUND);
        assertThat(first.cents()).isEqualTo(500);
        assertThat(second.key()).isNotEqualTo(first.key());
    }

    @Test
    void theSameOrderCompletedAndFailedGivesTwoDistinctKeys() {
        assertThat(KpiFact.completed(1, DAY, "c", 1).key()).isNotEqualTo(KpiFact.failed(1, DAY, "c").key());
    }

    @Test
    void refusesNegativeAmountsAndAnAmountOnAFailedOrder() {
        assertThatThrownBy(() -> KpiFact.completed(1, DAY, "c", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("order:1:completed");
        assertThatThrownBy(() -> KpiFact.refund("r", DAY, "c", -5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KpiFact("order:1:failed", DAY, KpiFact.Kind.FAILED_ORDER, "c", 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
