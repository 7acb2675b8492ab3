package io.orderkpi.core.refund;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.order.Money;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RefundRequestTest {

    @Test
    void aRequestWithoutARefundIdGetsARandomUuidThatRetriesKeep() {
        RefundRequest request = RefundRequest.partial(7, "12.50");

        assertThat(UUID.fromString(request.refundId())).isNotNull();
        assertThat(request.withReason("again").refundId()).isEqualTo(request.refundId());
        assertThat(RefundRequest.partial(7, "12.50").refundId()).isNotEqualTo(request.refundId());
    }

    @Test
    void aFullRefundStatingAnAmountRefundsOnlyWhenItIsTheRemainder() {
        RefundRequest stated = new RefundRequest(7, RefundType.FULL, Money.parse("5.00"), null, "r-1");

        assertThat(stated.amount()).isEqualTo(Money.parse("5.00"));
        assertThat(RefundRules.amountFor(stated, Money.parse("5.00"))).isEqualTo(Money.parse("5.00"));
        assertThat(RefundRules.amountFor(RefundRequest.full(7), Money.parse("5.01"))).isEqualTo(Money.parse("5.01"));
        assertThatThrownBy(() -> RefundRules.amountFor(stated, Money.parse("5.01")))
                .isInstanceOf(RefundAmountException.class).hasMessageStartingWith("amount: a full refund refunds"
                        + " what remains of order 7, 5.01, not 5.00");
    }

    @Test
    void aPartialRefundNeedsAnAmountWithAtMostTwoDecimals() {
        assertThatThrownBy(() -> new RefundRequest(7, RefundType.PARTIAL, null, null, null))
                .isInstanceOf(RefundAmountException.class).hasMessageContaining("order 7");
        assertThatThrownBy(() -> RefundRequest.partial(7, "1.001"))
                .isInstanceOf(RefundAmountException.class).hasMessageContaining("1.001");
        assertThatThrownBy(() -> RefundRequest.partial(7, "ten"))
                .isInstanceOf(RefundAmountException.class);
        assertThat(RefundRequest.partial(7, "10.5").amount()).isEqualTo(Money.ofCents(1050));
    }

    @Test
    void aRefundIdMustNotBeBlankOrLongerThan64() {
        assertThatThrownBy(() -> RefundRequest.full(7).withRefundId(" "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RefundRequest.full(7).withRefundId("x".repeat(65)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RefundRequest.full(7).withRefundId("x".repeat(64)).refundId()).hasSize(64);
    }

    @Test
    void aRefundIdMustNotTakeTheKeyOfAnImportedRefund() {
        assertThatThrownBy(() -> RefundRequest.full(7).withRefundId("import-7"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("import-");
        assertThat(RefundRequest.full(7).withRefundId("my-import-7").refundId()).isEqualTo("my-import-7");
    }

    @Test
    void anExistingRefundAnswersARequestOfTheSameOrderTypeAndPartialAmount() {
        Refund partial = new Refund("r-1", 7, "c", RefundType.PARTIAL, Money.parse("3.00"), null,
                RefundStatus.PENDING, null, null, null, Instant.EPOCH, Instant.EPOCH);
        Refund full = new Refund("r-2", 7, "c", RefundType.FULL, Money.parse("9.00"), null,
                RefundStatus.COMPLETED, null, "REF-1", Instant.EPOCH, Instant.EPOCH,
                Instant.EPOCH);

        assertThat(RefundRequest.partial(7, "3.00").isAnsweredBy(partial)).isTrue();
        assertThat(RefundRequest.partial(7, "3.01").isAnsweredBy(partial)).isFalse();
        assertThat(RefundRequest.partial(8, "3.00").isAnsweredBy(partial)).isFalse();
        assertThat(RefundRequest.full(7).isAnsweredBy(partial)).isFalse();
        assertThat(RefundRequest.full(7).isAnsweredBy(full)).isTrue();
    }
}
