package io.orderkpi.examples;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.refund.Refund;
import io.orderkpi.core.refund.RefundRequest;
import io.orderkpi.core.spi.GatewayUnavailableException;
import io.orderkpi.core.spi.PaymentGateway;
import io.orderkpi.core.spi.PaymentResult;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plugs an application's own {@link PaymentGateway} into OrderKPI: {@link ApprovalLimitGateway}
 * approves charges up to a limit and declines larger ones with a reason. One order within the
 * limit completes; one above it is cancelled with the gateway's reason as its failure_reason.
 *
 * <p>Run it with {@code java -cp … io.orderkpi.examples.CustomPaymentGatewayExample}; it takes no
 * arguments.
 */
public final class CustomPaymentGatewayExample {

    /** Charges above this are declined. */
    static final Money LIMIT = Money.parse("500.00");

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private CustomPaymentGatewayExample() {
    }

    /**
     * Runs the example and prints to standard output.
     *
     * @param args none
     */
    public static void main(String[] args) {
        run(System.out);
    }

    /** Runs the example, printing to {@code out}. */
    static void run(PrintStream out) {
        ApprovalLimitGateway gateway = new ApprovalLimitGateway(LIMIT);
        // The gateway replaces the simulated one for charges and refunds alike. The simulated
        // stock service stays, seeded and without failures, so only the gateway decides.
        try (OrderKpi kpi = OrderKpi.builder().payments(gateway).simulation(1, 0.0, 0.0, 0.0).build()) {
            Order small = kpi.createOrder(order("GW-2001", "CUST-CARA", "129.99"));
            Order large = kpi.createOrder(order("GW-2002", "CUST-DAN", "1250.00"));
            List<Long> ids = List.of(small.id(), large.id());
            ids.forEach(kpi::process);
            Settle.idle(kpi, TIMEOUT);

            out.println("Approval limit: " + Reports.money(LIMIT));
            TextTable table = new TextTable("Order", "Total", "Status", "Payment Reference", "Failure Reason");
            for (long id : ids) {
                Order order = kpi.records().orders().get(id).orElseThrow();
                table.row(order.orderNumber(), Reports.money(order.totalAmount()), order.status(),
                        Objects.requireNonNullElse(order.paymentReference(), "-"),
                        Objects.requireNonNullElse(order.failureReason(), "-"));
            }
            table.print(out);

            // The workflow charges under the key order:{id}:charge; asking again with that key
            // (as a resumed step would) returns the first result instead of charging twice.
            Order approved = kpi.records().orders().get(small.id()).orElseThrow();
            PaymentResult again = gateway.charge(PaymentGateway.chargeKey(approved.id()), approved);
            out.printf("Charging %s again with key %s returns the first result: %s (%d charge decision(s) made)%n",
                    approved.orderNumber(), PaymentGateway.chargeKey(approved.id()),
                    Objects.equals(again.reference(), approved.paymentReference()), gateway.chargeDecisions());

            // Refunds go through the same adapter, keyed by the refund_id.
            Refund refund = kpi.refunds().request(RefundRequest.partial(approved.id(), Money.parse("29.99"))
                    .withRefundId("refund-" + approved.orderNumber())).refund();
            // The refund is done when request() returns; its event still travels to analytics
            // and notifications, which should see it before the instance closes.
            Settle.idle(kpi, TIMEOUT);
            out.printf("Refund %s of %s: %s, reference %s; order is now %s%n", refund.refundId(),
                    Reports.money(refund.amount()), refund.status(), refund.paymentReference(),
                    kpi.records().orders().get(approved.id()).orElseThrow().status());
        }
    }

    private static NewOrder order(String number, String customerId, String total) {
        Money amount = Money.parse(total);
        return new NewOrder(number, customerId, "", "", OrderStatus.PENDING, amount, "USD",
                List.of(new OrderItem("PRD-100", "Gift Card", "SKU-GIFT", 1, amount)), Instant.now());
    }

    /**
     * A {@link PaymentGateway} that approves a charge when the order's total is at most a limit
     * and declines it otherwise, and approves every refund. It stands in for an adapter to a real
     * payment provider; the parts a real one keeps are the ones the SPI contract asks for:
     *
     * <ul>
     *   <li><b>Idempotent per key.</b> The first result of each key is kept and returned for every
     *       later call with that key, whatever order or amount comes with it. A real adapter
     *       would also send the key to the provider as its idempotency key, and keep the results
     *       in a durable store rather than in memory.</li>
     *   <li><b>Thread-safe, one decision per key.</b> {@link ConcurrentHashMap#computeIfAbsent}
     *       runs the decision at most once per key; a concurrent call with the same key waits for
     *       it and gets the same result.</li>
     *   <li><b>Declines are results, outages are exceptions.</b> A decline is
     *       {@link PaymentResult#declined(String)} and final for its key. A technical failure
     *       would throw {@link GatewayUnavailableException} from inside the decision:
     *       {@code computeIfAbsent} then stores nothing, so the key stays unused and the
     *       workflow's retry asks again.</li>
     * </ul>
     */
    public static final class ApprovalLimitGateway implements PaymentGateway {

        private final Money limit;
        private final Map<String, PaymentResult> charges = new ConcurrentHashMap<>();
        private final Map<String, PaymentResult> refunds = new ConcurrentHashMap<>();
        private final AtomicLong chargeDecisions = new AtomicLong();

        /**
         * A gateway that approves charges of at most {@code limit}.
         *
         * @param limit the largest order total approved
         */
        public ApprovalLimitGateway(Money limit) {
            this.limit = Objects.requireNonNull(limit, "limit");
        }

        @Override
        public PaymentResult charge(String idempotencyKey, Order order) {
            Objects.requireNonNull(order, "order");
            return charges.computeIfAbsent(checked(idempotencyKey), key -> {
                chargeDecisions.incrementAndGet();
                if (order.totalAmount().compareTo(limit) > 0) {
                    return PaymentResult.declined("Amount " + order.totalAmount() + " " + order.currency()
                            + " is over the approval limit of " + limit + " " + order.currency());
                }
                return PaymentResult.success(reference("PAY", key));
            });
        }

        @Override
        public PaymentResult refund(String idempotencyKey, long orderId, Money amount) {
            Objects.requireNonNull(amount, "amount");
            // Charge and refund keys are separate spaces (SPI contract), hence a map each.
            return refunds.computeIfAbsent(checked(idempotencyKey), key -> PaymentResult.success(reference("REF", key)));
        }

        /** {@return how many distinct charge keys this gateway has decided on} */
        public long chargeDecisions() {
            return chargeDecisions.get();
        }

        /**
         * A reference derived from the key: stable for the key, distinct across keys. A real
         * provider hands out its own; deriving it keeps this example's output the same on
         * every run.
         */
        private static String reference(String kind, String key) {
            UUID id = UUID.nameUUIDFromBytes((kind + ":" + key).getBytes(StandardCharsets.UTF_8));
            return "LIM-" + kind + "-" + id.toString().toUpperCase(Locale.ROOT);
        }

        private static String checked(String idempotencyKey) {
            Objects.requireNonNull(idempotencyKey, "idempotencyKey");
            if (idempotencyKey.isBlank()) {
                throw new IllegalArgumentException("idempotencyKey must not be blank");
            }
            return idempotencyKey;
        }
    }
}
