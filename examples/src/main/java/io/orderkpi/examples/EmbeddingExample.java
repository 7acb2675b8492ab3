package io.orderkpi.examples;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * OrderKPI embedded with its in-memory defaults: create a few orders, run them through the
 * workflow (reserve stock, take payment, complete), and read the day's KPIs and leaderboard.
 *
 * <p>Run it with {@code java -cp … io.orderkpi.examples.EmbeddingExample} (see
 * {@code examples/README.md}); it takes no arguments.
 */
public final class EmbeddingExample {

    /**
     * The day the orders are placed on. KPIs count an order on its placed day, so a fixed day
     * (rather than today) makes every run print the same report.
     */
    static final LocalDate DAY = LocalDate.of(2025, 11, 16);

    /** Seed of the simulated stock service and payment gateway: same seed, same references. */
    static final long SEED = 7;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private EmbeddingExample() {
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
        // Every part defaults to memory; the simulation gets a seed and no random failures, so
        // each order completes and the output is the same on every run.
        try (OrderKpi kpi = OrderKpi.builder().simulation(SEED, 0.0, 0.0, 0.0).build()) {
            List<Order> created = List.of(
                    kpi.createOrder(order("EX-1001", "CUST-ANN", "Ann Lee", at(9, 15),
                            item("PRD-001", "Classic Coffee Mug", 2, "12.50"),
                            item("PRD-014", "Wireless Headphones", 1, "89.99"))),
                    kpi.createOrder(order("EX-1002", "CUST-BOB", "Bob Ode", at(11, 40),
                            item("PRD-027", "Premium Backpack", 1, "149.00"))),
                    kpi.createOrder(order("EX-1003", "CUST-ANN", "Ann Lee", at(17, 5),
                            item("PRD-033", "Organic Tea Set", 3, "24.00"))));

            // process() only queues a job; the queue's worker threads do the work.
            List<Long> ids = created.stream().map(Order::id).toList();
            ids.forEach(kpi::process);
            Settle.idle(kpi, TIMEOUT);

            out.println("Orders");
            TextTable orders = new TextTable("Order", "Customer", "Total", "Status", "Payment Reference");
            for (long id : ids) {
                Order order = kpi.records().orders().get(id).orElseThrow();
                orders.row(order.orderNumber(), order.customerId(), Reports.money(order.totalAmount()),
                        order.status(), Objects.requireNonNullElse(order.paymentReference(), "-"));
            }
            orders.print(out);
            out.println();
            Reports.printDaily(out, DAY, kpi.analytics().daily(DAY, 10));
        }
    }

    private static Instant at(int hour, int minute) {
        return DAY.atTime(hour, minute).toInstant(ZoneOffset.UTC);
    }

    private static OrderItem item(String productId, String name, int quantity, String unitPrice) {
        return new OrderItem(productId, name, "SKU-" + productId, quantity, Money.parse(unitPrice));
    }

    /**
     * A new pending order whose total is the sum of its lines. {@code createOrder} trusts its
     * input (it is validated where it enters, as a CSV row is), so the example builds valid values.
     */
    private static NewOrder order(String number, String customerId, String name, Instant placedAt,
            OrderItem... items) {
        List<OrderItem> lines = List.of(items);
        Money total = lines.stream().map(OrderItem::totalPrice).reduce(Money.ZERO, Money::plus);
        String email = customerId.toLowerCase(Locale.ROOT) + "@example.com";
        return new NewOrder(number, customerId, name, email, OrderStatus.PENDING, total, "USD", lines, placedAt);
    }
}
