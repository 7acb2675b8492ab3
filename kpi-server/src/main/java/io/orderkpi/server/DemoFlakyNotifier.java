package io.orderkpi.server;

import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationMessage;
import io.orderkpi.core.spi.Notifier;
import java.util.SplittableRandom;

/**
 * {@code serve --demo} only: a pretend webhook channel that refuses about one send in five, so
 * the demo shows retries and, now and then, a job that used up its attempts on the failed-jobs
 * panel. It sends nothing anywhere. Thread-safe.
 */
final class DemoFlakyNotifier implements Notifier {

    static final String CHANNEL = "demo-webhook";
    static final double FAILURE_RATE = 0.2;

    private final SplittableRandom random;

    DemoFlakyNotifier(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public void send(Notification notification, NotificationMessage message) {
        boolean fail;
        synchronized (random) {
            fail = random.nextDouble() < FAILURE_RATE;
        }
        if (fail) {
            throw new IllegalStateException("demo webhook: the receiver answered 503 (simulated, demo mode only)");
        }
    }
}
