package io.orderkpi.examples;

import static io.orderkpi.examples.PrintedOutput.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.examples.CustomPaymentGatewayExample.ApprovalLimitGateway;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.spi.PaymentGateway;
import io.orderkpi.core.spi.PaymentResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CustomPaymentGatewayExampleTest {

    @Test
    void completesTheOrderWithinTheLimitAndCancelsTheOneAboveItWithTheGatewaysReason() {
        String output = PrintedOutput.of(CustomPaymentGatewayExample::run);

        assertThat(output).contains("Approval limit: $500.00");
        List<List<String>> orders = body(output,
                List.of("Order", "Total", "Status", "Payment Reference", "Failure Reason"));
        assertThat(orders).hasSize(2);
        assertThat(orders.get(0)).startsWith("GW-2001", "$129.99", "completed").endsWith("-");
        assertThat(orders.get(0).get(3)).matches("LIM-PAY-[0-9A-F-]{36}");
        assertThat(orders.get(1)).containsExactly("GW-2002", "$1,250.00", "cancelled", "-",
                "Amount 1250.00 USD is over the approval limit of 500.00 USD");
        assertThat(output).contains("Charging GW-2001 again with key order:1:charge returns the first result: true"
                + " (2 charge decision(s) made)");
        assertThat(output).containsPattern("Refund refund-GW-2001 of \\$29\\.99: completed, reference "
                + "LIM-REF-[0-9A-F-]{36}; order is now partially_refunded");
    }

    @Test
    void approvesUpToTheLimitAndDeclinesAboveIt() {
        ApprovalLimitGateway gateway = new ApprovalLimitGateway(Money.parse("500.00"));

        assertThat(gateway.charge(PaymentGateway.chargeKey(1), order(1, "500.00")).success()).isTrue();
        PaymentResult declined = gateway.charge(PaymentGateway.chargeKey(2), order(2, "500.01"));
        assertThat(declined.success()).isFalse();
        assertThat(declined.reason()).isEqualTo("Amount 500.01 USD is over the approval limit of 500.00 USD");
    }

    @Test
    void returnsTheFirstResultForARepeatedKeyWhateverOrderComesWithIt() {
        ApprovalLimitGateway gateway = new ApprovalLimitGateway(Money.parse("500.00"));
        String key = PaymentGateway.chargeKey(7);

        PaymentResult first = gateway.charge(key, order(7, "10.00"));
        PaymentResult again = gateway.charge(key, order(7, "9999.00"));

        assertThat(again).isEqualTo(first);
        assertThat(again.success()).isTrue();
        assertThat(gateway.chargeDecisions()).isEqualTo(1);
    }

    @Test
    void keepsChargeAndRefundKeysApart() {
        ApprovalLimitGateway gateway = new ApprovalLimitGateway(Money.parse("500.00"));

        PaymentResult charge = gateway.charge("key-1", order(1, "10.00"));
        PaymentResult refund = gateway.refund("key-1", 1, Money.parse("10.00"));

        assertThat(refund.success()).isTrue();
        assertThat(refund.reference()).startsWith("LIM-REF-").isNotEqualTo(charge.reference());
        assertThat(gateway.refund("key-1", 1, Money.parse("3.00"))).isEqualTo(refund);
    }

    @Test
    void decidesOnceWhenManyThreadsChargeOneKeyAtOnce() throws Exception {
        ApprovalLimitGateway gateway = new ApprovalLimitGateway(Money.parse("500.00"));
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<PaymentResult>> calls = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                // Alternate amounts: whichever thread decides first, every thread gets its result.
                Order order = order(3, i % 2 == 0 ? "10.00" : "900.00");
                Callable<PaymentResult> call = () -> {
                    start.await();
                    return gateway.charge(PaymentGateway.chargeKey(3), order);
                };
                calls.add(pool.submit(call));
            }
            start.countDown();
            List<PaymentResult> results = new ArrayList<>();
            for (Future<PaymentResult> call : calls) {
                results.add(call.get(10, TimeUnit.SECONDS));
            }

            assertThat(results).containsOnly(results.get(0));
            assertThat(gateway.chargeDecisions()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Order order(long id, String total) {
        Money amount = Money.parse(total);
        NewOrder order = new NewOrder("T-" + id, "CUST-T", "", "", OrderStatus.PENDING, amount, "USD",
                List.of(new OrderItem("P1", "Thing", "S1", 1, amount)), Instant.EPOCH);
        return Order.create(id, order, Instant.EPOCH);
    }
}
