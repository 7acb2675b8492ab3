package io.orderkpi.core.event;

import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.spi.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers outbox events to subscribers: at least once, in sequence order (hence in order per
 * order), with the delivery bookkeeping per subscriber in the record store, so a failing
 * subscriber (say analytics during a Redis outage) never holds back another.
 *
 * <p>One thread per subscriber. An event whose handler throws is retried with the relay's
 * backoff; after the last attempt it is dead-lettered (visible in {@link Outbox#deadLetters},
 * deliverable again with {@link #redeliverDeadLetters}), never dropped. A subscriber whose store
 * is down therefore stalls for the retry budget per event; raise the attempts for such stores.
 *
 * <p>Thread-safe. {@link #drain()} delivers synchronously, for start-up sweeps and tests.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int BATCH = 256;

    private final Outbox outbox;
    private final List<EventSubscriber> subscribers;
    private final Clock clock;
    private final RetryPolicy retry;
    private final Duration pollInterval;
    private final Map<String, Thread> threads = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> deliveryLocks = new ConcurrentHashMap<>();
    private final ReentrantLock wakeLock = new ReentrantLock();
    private final Condition wake = wakeLock.newCondition();
    private volatile boolean running;
    private volatile boolean closed;

    public OutboxRelay(Outbox outbox, List<EventSubscriber> subscribers, Clock clock, RetryPolicy retry,
            Duration pollInterval) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.subscribers = List.copyOf(subscribers);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        for (EventSubscriber subscriber : this.subscribers) {
            if (deliveryLocks.putIfAbsent(subscriber.name(), new ReentrantLock()) != null) {
                throw new IllegalArgumentException("Two subscribers are named " + subscriber.name());
            }
        }
    }

    /** Starts one delivery thread per subscriber. */
    public synchronized void start() {
        if (running || closed) {
            throw new IllegalStateException(closed ? "The relay is closed" : "The relay is already running");
        }
        running = true;
        for (EventSubscriber subscriber : subscribers) {
            Thread thread = new Thread(() -> loop(subscriber), "okpi-relay-" + subscriber.name());
            thread.setDaemon(true);
            threads.put(subscriber.name(), thread);
            thread.start();
        }
    }

    /** Makes the delivery threads look for new events now instead of at their next poll. */
    public void wakeUp() {
        wakeLock.lock();
        try {
            wake.signalAll();
        } finally {
            wakeLock.unlock();
        }
    }

    /**
     * Delivers every pending event to every subscriber on the calling thread, until none is
     * pending; returns how many deliveries were made (dead letters included).
     */
    public long drain() throws InterruptedException {
        long delivered = 0;
        for (EventSubscriber subscriber : subscribers) {
            int batch;
            do {
                batch = deliverBatch(subscriber);
                delivered += batch;
            } while (batch > 0);
        }
        return delivered;
    }

    /**
     * Delivers the dead letters of one subscriber again; each one handled is resolved, each one
     * that fails again stays dead-lettered with its new error. Returns how many were resolved.
     */
    public int redeliverDeadLetters(String subscriberName) throws InterruptedException {
        EventSubscriber subscriber = subscribers.stream().filter(s -> s.name().equals(subscriberName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown subscriber: " + subscriberName));
        int resolved = 0;
        ReentrantLock lock = deliveryLocks.get(subscriberName);
        lock.lockInterruptibly();
        try {
            for (DeadLetter letter : outbox.deadLetters(subscriberName)) {
                if (deliver(subscriber, letter.event())) {
                    outbox.resolveDeadLetter(subscriberName, letter.event().sequence());
                    resolved++;
                }
            }
        } finally {
            lock.unlock();
        }
        return resolved;
    }

    /**
     * Age of the oldest event not yet delivered to {@code subscriberName}: zero when none is
     * pending. Feeds the {@code orderkpi_outbox_lag_seconds} gauge.
     */
    public Duration lag(String subscriberName) {
        List<OutboxEvent> oldest = outbox.pending(subscriberName, 1);
        if (oldest.isEmpty()) {
            return Duration.ZERO;
        }
        Duration age = Duration.between(oldest.get(0).recordedAt(), clock.instant());
        return age.isNegative() ? Duration.ZERO : age;
    }

    public List<String> subscriberNames() {
        return subscribers.stream().map(EventSubscriber::name).toList();
    }

    /** Whether every delivery thread is alive (for readiness checks). */
    public boolean isHealthy() {
        return running && !closed && threads.values().stream().allMatch(Thread::isAlive);
    }

    private void loop(EventSubscriber subscriber) {
        while (!closed) {
            try {
                if (deliverBatch(subscriber) == 0) {
                    awaitWork();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The outbox itself failed (its store is down): wait and read again.
                LOG.warn("Relay for {} cannot read the outbox: {}", subscriber.name(), e.toString());
                try {
                    awaitWork();
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private void awaitWork() throws InterruptedException {
        wakeLock.lockInterruptibly();
        try {
            wake.await(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            wakeLock.unlock();
        }
    }

    /** Delivers one batch of pending events to one subscriber; returns its size. */
    private int deliverBatch(EventSubscriber subscriber) throws InterruptedException {
        ReentrantLock lock = deliveryLocks.get(subscriber.name());
        lock.lockInterruptibly();
        try {
            List<OutboxEvent> batch = outbox.pending(subscriber.name(), BATCH);
            List<Long> delivered = new ArrayList<>(batch.size());
            try {
                for (OutboxEvent event : batch) {
                    if (deliver(subscriber, event)) {
                        delivered.add(event.sequence());
                    }
                }
            } finally {
                if (!delivered.isEmpty()) {
                    outbox.markDelivered(subscriber.name(), delivered);
                }
            }
            return batch.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands one event to a subscriber with retries; true when handled, false when it was
     * dead-lettered.
     */
    private boolean deliver(EventSubscriber subscriber, OutboxEvent event) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                subscriber.handle(event);
                return true;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                String error = e.getClass().getSimpleName() + ": " + e.getMessage();
                if (attempt >= retry.maxAttempts()) {
                    LOG.error("Event {} ({} of order {}) dead-lettered for {} after {} attempts: {}",
                            event.sequence(), event.type(), event.orderId(), subscriber.name(), attempt, error);
                    outbox.deadLetter(subscriber.name(), event.sequence(), error);
                    return false;
                }
                LOG.warn("Event {} ({} of order {}) failed for {} (attempt {} of {}): {}", event.sequence(),
                        event.type(), event.orderId(), subscriber.name(), attempt, retry.maxAttempts(), error);
                if (closed) {
                    throw new InterruptedException("relay closed");
                }
                Thread.sleep(retry.delayAfter(attempt).toMillis());
            }
        }
    }

    /** Stops the delivery threads; undelivered events stay pending in the outbox. Idempotent. */
    @Override
    public void close() {
        closed = true;
        threads.values().forEach(Thread::interrupt);
        for (Thread thread : threads.values()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
