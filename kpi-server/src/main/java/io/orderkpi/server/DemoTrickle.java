package io.orderkpi.server;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --demo}: after the sample import, a few new orders a second (placed now, queued
 * for the workflow), so the dashboard's numbers, queues and notifications keep moving. Bounded:
 * it stops by itself after {@link #MAX_ORDERS}, and at once on {@link #close()}. Thread-safe.
 */
final class DemoTrickle implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoTrickle.class);
    static final long PERIOD_MILLIS = 400;
    /** The sample import goes first, so the trickle does not compete with it at start. */
    static final long START_DELAY_MILLIS = 5_000;
    /** About 2.5 orders a second for close to seven hours, then the demo rests. */
    static final int MAX_ORDERS = 60_000;
    private static final String[] NAMES = {"Ada Byrne", "Bo Lindgren", "Carmen Ruiz", "Dev Patel", "Elif Kaya",
        "Femi Adeyemi", "Grete Holm", "Hana Sato", "Ivo Novak", "Jun Li", "Kofi Mensah", "Lena Vogel"};
    private static final String[] PRODUCTS = {"Espresso Cup", "Linen Apron", "Desk Plant", "Travel Mug",
        "Notebook A5", "Wool Socks"};

    private final OrderKpi kpi;
    private final String currency;
    private final ScheduledExecutorService timer;
    private final SplittableRandom random;
    private final String runTag;
    private final AtomicInteger sent = new AtomicInteger();

    DemoTrickle(OrderKpi kpi, String currency, long seed) {
        this.kpi = kpi;
        this.currency = currency;
        this.random = new SplittableRandom(seed);
        // Order numbers differ from run to run, so restarting the demo never collides with itself.
        this.runTag = Long.toString(kpi.clock().millis(), 36).toUpperCase(Locale.ROOT);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "okpi-demo-trickle");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the trickle after {@code delayMillis}. */
    void start(long delayMillis) {
        timer.scheduleAtFixedRate(this::tick, delayMillis, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private synchronized void tick() {
        int n = sent.incrementAndGet();
        if (n > MAX_ORDERS) {
            LOG.info("Demo: {} live orders placed; the trickle stops here", MAX_ORDERS);
            timer.shutdown();
            return;
        }
        try {
            int customer = random.nextInt(NAMES.length);
            int product = random.nextInt(PRODUCTS.length);
            int quantity = 1 + random.nextInt(3);
            Money price = Money.ofCents(500 + random.nextLong(12_000));
            OrderItem item = new OrderItem("DEMO-P" + product, PRODUCTS[product], "SKU-DEMO-" + product, quantity, price);
            String customerId = "DEMO-C" + customer;
            NewOrder order = new NewOrder("LIVE-" + runTag + "-" + n, customerId, NAMES[customer],
                    customerId.toLowerCase(Locale.ROOT) + "@example.com", OrderStatus.PENDING, item.totalPrice(),
                    currency, List.of(item), kpi.clock().instant());
            kpi.process(kpi.createOrder(order).id());
        } catch (RuntimeException e) {
            // A full queue or a store hiccup costs one demo order, never the trickle.
            LOG.debug("Demo: a live order was not placed: {}", e.toString());
        }
    }

    /** Stops placing orders; idempotent. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
