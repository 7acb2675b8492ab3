package io.orderkpi.core.order;

import static io.orderkpi.core.order.OrderStatus.CANCELLED;
import static io.orderkpi.core.order.OrderStatus.COMPLETED;
import static io.orderkpi.core.order.OrderStatus.PARTIALLY_REFUNDED;
import static io.orderkpi.core.order.OrderStatus.PAYMENT_FAILED;
import static io.orderkpi.core.order.OrderStatus.PAYMENT_SUCCEEDED;
import static io.orderkpi.core.order.OrderStatus.PENDING;
import static io.orderkpi.core.order.OrderStatus.PROCESSING_PAYMENT;
import static io.orderkpi.core.order.OrderStatus.REFUNDED;
import static io.orderkpi.core.order.OrderStatus.RESERVING_STOCK;
import static io.orderkpi.core.order.OrderStatus.STOCK_RESERVATION_FAILED;
import static io.orderkpi.core.order.OrderStatus.STOCK_RESERVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OrderStatusTest {

    /** SPEC §2, written out again on purpose: the test must not read the table it checks. */
    static final Map<OrderStatus, Set<OrderStatus>> LEGAL = Map.ofEntries(
            Map.entry(PENDING, Set.of(RESERVING_STOCK, CANCELLED)),
            Map.entry(RESERVING_STOCK, Set.of(STOCK_RESERVED, STOCK_RESERVATION_FAILED)),
            Map.entry(STOCK_RESERVED, Set.of(PROCESSING_PAYMENT, CANCELLED)),
            Map.entry(PROCESSING_PAYMENT, Set.of(PAYMENT_SUCCEEDED, PAYMENT_FAILED)),
            Map.entry(PAYMENT_SUCCEEDED, Set.of(COMPLETED)),
            Map.entry(PAYMENT_FAILED, Set.of(CANCELLED)),
            Map.entry(STOCK_RESERVATION_FAILED, Set.of(CANCELLED)),
            Map.entry(COMPLETED, Set.of(PARTIALLY_REFUNDED, REFUNDED)),
            Map.entry(PARTIALLY_REFUNDED, Set.of(PARTIALLY_REFUNDED, REFUNDED)),
            Map.entry(CANCELLED, Set.of()),
            Map.entry(REFUNDED, Set.of()));

    static Stream<Arguments> legalTransitions() {
        return pairs(true);
    }

    static Stream<Arguments> illegalTransitions() {
        return pairs(false);
    }

    private static Stream<Arguments> pairs(boolean legal) {
        List<Arguments> pairs = new ArrayList<>();
        for (OrderStatus from : OrderStatus.values()) {
            for (OrderStatus to : OrderStatus.values()) {
                if (LEGAL.get(from).contains(to) == legal) {
                    pairs.add(Arguments.of(from, to));
                }
            }
        }
        return pairs.stream();
    }

    @Test
    void theTableCoversEveryStatus() {
        assertThat(LEGAL.keySet()).containsExactlyInAnyOrder(OrderStatus.values());
        assertThat(legalTransitions()).hasSize(15);
        assertThat(illegalTransitions()).hasSize(11 * 11 - 15);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("legalTransitions")
    void allowsEveryLegalTransition(OrderStatus from, OrderStatus to) {
        assertThat(from.canTransitionTo(to)).isTrue();
        assertThatCode(() -> from.checkTransition(to)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0} -/-> {1}")
    @MethodSource("illegalTransitions")
    void refusesEveryIllegalTransitionNamingBothStatuses(OrderStatus from, OrderStatus to) {
        assertThat(from.canTransitionTo(to)).isFalse();
        assertThatThrownBy(() -> from.checkTransition(to))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessage("Illegal order status transition from " + from.wireName() + " to " + to.wireName())
                .satisfies(e -> {
                    IllegalTransitionException ite = (IllegalTransitionException) e;
                    assertThat(ite.from()).isEqualTo(from);
                    assertThat(ite.to()).isEqualTo(to);
                });
    }

    @Test
    void knowsTheFinalStatuses() {
        assertThat(Stream.of(OrderStatus.values()).filter(OrderStatus::isFinal))
                .containsExactlyInAnyOrder(COMPLETED, CANCELLED, PARTIALLY_REFUNDED, REFUNDED);
    }

    @Test
    void usesSnakeCaseWireNames() {
        assertThat(PROCESSING_PAYMENT.wireName()).isEqualTo("processing_payment");
        assertThat(OrderStatus.fromWireName("Stock_Reserved")).contains(STOCK_RESERVED);
        assertThat(OrderStatus.fromWireName("shipped")).isEmpty();
    }

    @Test
    void returnsACopyOfTheNextStatuses() {
        Set<OrderStatus> next = PENDING.nextStatuses();
        next.clear();
        assertThat(PENDING.nextStatuses()).containsExactlyInAnyOrder(RESERVING_STOCK, CANCELLED);
        assertThat(REFUNDED.nextStatuses()).isEmpty();
    }
}
