package io.orderkpi.core.relay;

import io.orderkpi.core.event.EventSubscriber;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.spi.FencedOutException;
import io.orderkpi.core.spi.Lease;
import io.orderkpi.core.spi.LeaseGrant;
import io.orderkpi.core.spi.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers outbox events to subscribers: at least once, in sequence order (hence in order per
 * order), with the delivery bookkeeping per subscriber in the record store, so a failing
 * subscriber (say analytics during a Redis outage) never holds back another.
 *
 * <p><b>Many processes.</b> Every process sharing a record store may run a relay; for each
 * subscriber, the one holding the {@link Lease} {@code outbox:<subscriber>} delivers. A relay
 * tries to take the lease at every poll while it is free, renews it while it runs (a third of the
 * lease duration apart) and releases it on {@link #close()}; a relay that stopped without
 * releasing is replaced once the lease expires. Every mark carries the lease's fencing token, so a relay that stalled past its
 * lease (a long GC pause) has its marks refused by the outbox and stops delivering.
 *
 * <p><b>Failures.</b> Events go to a subscriber in batches ({@link EventSubscriber#handleAll}).
 * A subscriber whose back-end is down ({@link StoreUnavailableException}, also as a cause) stalls:
 * the batch is tried again with a backoff doubling up to a cap, for as long as the outage lasts,
 * and is never dead-lettered. An outbox or a lease that cannot be reached is waited out with the
 * same backoff. A batch failing for another reason is delivered again one event at
 * a time; an event that keeps failing for the {@link RetryPolicy}'s attempts is dead-lettered, and
 * the later events of its order wait behind it (the outbox holds them) until it is
 * {@linkplain #redeliver redelivered}.
 *
 * <p>Thread-safe. One delivery thread per subscriber plus one renewal thread, all daemons.
 * {@link #drain()} delivers synchronously, for start-up sweeps and tests.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final String LEASE_PREFIX = "outbox:";
    private static final Duration FIRST_STALL_DELAY = Duration.ofMillis(50);

    private final Outbox outbox;
    private final Lease lease;
    private final String holder;
    private final Clock clock;
    private final RetryPolicy retry;
    private final Duration pollInterval;
    private final Duration leaseDuration;
    private final Duration maxStallDelay;
    private final int batchSize;
    private final Map<String, Delivery> deliveries = new LinkedHashMap<>();
    private final ReentrantLock wakeLock = new ReentrantLock();
    private final Condition wake = wakeLock.newCondition();
    private final AtomicLong refusedMarks = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService renewer;
    private volatile boolean registered;
    private volatile boolean running;
    private volatile boolean closed;

    /** One subscriber's delivery: its lease grant (null while not held) and an in-process lock. */
    private static final class Delivery {
        final EventSubscriber subscriber;
        final String leaseName;
        final AtomicReference<LeaseGrant> grant = new AtomicReference<>();
        /** Serialises this relay's delivery thread and {@link #drain()} callers. */
        final ReentrantLock lock = new ReentrantLock();

        Delivery(EventSubscriber subscriber) {
            this.subscriber = subscriber;
            this.leaseName = LEASE_PREFIX + subscriber.name();
        }

        String name() {
            return subscriber.name();
        }
    }

    /** Thrown inside a delivery when the lease is gone: the events stay pending for the new holder. */
    private static final class LeaseLost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeaseLost() {
            super(null, null, false, false);
        }
    }

    private OutboxRelay(Builder b) {
        this.outbox = b.outbox;
        this.lease = b.lease;
        this.holder = b.holder;
        this.clock = b.clock;
        this.retry = b.retry;
        this.pollInterval = b.pollInterval;
        this.leaseDuration = b.leaseDuration;
        this.maxStallDelay = b.maxStallDelay;
        this.batchSize = b.batchSize;
        for (EventSubscriber subscriber : b.subscribers) {
            String name = subscriber.name();
            if (LEASE_PREFIX.length() + name.length() > Lease.MAX_NAME_LENGTH) {
                throw new IllegalArgumentException("Subscriber name '" + name + "' is too long: at most "
                        + (Lease.MAX_NAME_LENGTH - LEASE_PREFIX.length()) + " characters");
            }
            if (deliveries.putIfAbsent(name, new Delivery(subscriber)) != null) {
                throw new IllegalArgumentException("Two subscribers are named " + name);
            }
        }
    }

    /** A relay over {@code outbox} whose processes agree through {@code lease}. */
    public static Builder builder(Outbox outbox, Lease lease) {
        return new Builder(outbox, lease);
    }

    /**
     * Registers the subscribers in the outbox, then starts one delivery thread per subscriber and
     * the lease renewal.
     */
    public synchronized void start() {
        if (running || closed) {
            throw new IllegalStateException(closed ? "The relay is closed" : "The relay is already running");
        }
        register();
        running = true;
        renewer = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "okpi-relay-lease"));
        long period = Math.max(1, leaseDuration.toMillis() / 3);
        renewer.scheduleAtFixedRate(this::renewLeases, period, period, TimeUnit.MILLISECONDS);
        for (Delivery delivery : deliveries.values()) {
            Thread thread = daemon(() -> loop(delivery), "okpi-relay-" + delivery.name());
            threads.add(thread);
            thread.start();
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private void register() {
        if (!registered) {
            deliveries.keySet().forEach(outbox::registerSubscriber);
            registered = true;
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
     * Delivers every pending event to every subscriber whose lease this relay holds or can take,
     * on the calling thread, until none is pending; returns how many events were handed out
     * (dead letters included). A relay that is not running gives the leases up afterwards.
     */
    public long drain() throws InterruptedException {
        register();
        long delivered = 0;
        for (Delivery delivery : deliveries.values()) {
            int batch;
            do {
                batch = deliverBatch(delivery);
                delivered += batch;
            } while (batch > 0);
            if (!running) {
                releaseLease(delivery);
            }
        }
        return delivered;
    }

    /**
     * Puts a dead letter back into its subscriber's pending events and wakes the delivery up.
     *
     * @return false when there was no such dead letter
     */
    public boolean redeliver(String subscriber, long sequence) {
        boolean redelivered = outbox.redeliver(subscriber, sequence);
        wakeUp();
        return redelivered;
    }

    /** Redelivers every dead letter of one subscriber, or of all when null; returns how many. */
    public int redeliverAll(@Nullable String subscriber) {
        int redelivered = outbox.redeliverAll(subscriber);
        wakeUp();
        return redelivered;
    }

    /**
     * Age of the oldest event ready for {@code subscriberName}: zero when none is pending. Feeds
     * the {@code orderkpi_outbox_lag_seconds} gauge. Events held behind a dead letter are counted
     * by {@link #deadLetterCount} instead.
     */
    public Duration lag(String subscriberName) {
        List<OutboxEvent> oldest = outbox.pending(subscriberName, 1);
        if (oldest.isEmpty()) {
            return Duration.ZERO;
        }
        Duration age = Duration.between(oldest.get(0).recordedAt(), clock.instant());
        return age.isNegative() ? Duration.ZERO : age;
    }

    /** Events dead-lettered for a subscriber; feeds {@code orderkpi_outbox_dead_letters}. */
    public long deadLetterCount(String subscriberName) {
        return outbox.deadLetterCount(subscriberName);
    }

    public List<String> subscriberNames() {
        return List.copyOf(deliveries.keySet());
    }

    /** The name this relay takes leases under: unique per relay. */
    public String holder() {
        return holder;
    }

    /** Whether this relay holds the delivery lease of a subscriber now. */
    public boolean holdsLease(String subscriberName) {
        Delivery delivery = deliveries.get(subscriberName);
        return delivery != null && delivery.grant.get() != null;
    }

    /** Marks the outbox refused since start because another process had taken over. */
    public long refusedMarks() {
        return refusedMarks.get();
    }

    /** Whether every delivery thread is alive (for readiness checks). */
    public boolean isHealthy() {
        return running && !closed && threads.stream().allMatch(Thread::isAlive);
    }

    /**
     * Delivers until closed. When the outbox or the lease fails (their store is down), the thread
     * waits with the stall backoff rather than the poll interval, and logs the start and the end
     * of the outage once: at the poll interval an outage of minutes meant thousands of tries and
     * as many log lines per subscriber.
     */
    private void loop(Delivery delivery) {
        int failures = 0;
        while (!closed) {
            try {
                int delivered = deliverBatch(delivery);
                if (failures > 0) {
                    LOG.info("Relay for {} reaches the outbox and its lease again after {} tries", delivery.name(),
                            failures);
                    failures = 0;
                }
                if (delivered == 0) {
                    awaitWork();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failures++;
                if (failures == 1) {
                    LOG.warn("Relay for {} cannot reach the outbox or its lease; trying again every {} ms at most: {}",
                            delivery.name(), maxStallDelay.toMillis(), e.toString());
                } else {
                    LOG.debug("Relay for {} still cannot reach the outbox or its lease (try {}): {}", delivery.name(),
                            failures, e.toString());
                }
                try {
                    pause(stallDelay(failures));
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** The wait after the {@code tries}-th failed try of an outage: doubling from 50 ms up to the cap. */
    private Duration stallDelay(int tries) {
        long doubled = FIRST_STALL_DELAY.toMillis() << Math.min(tries - 1, 20);
        return Duration.ofMillis(Math.min(doubled, maxStallDelay.toMillis()));
    }

    private void awaitWork() throws InterruptedException {
        wakeLock.lockInterruptibly();
        try {
            wake.await(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            wakeLock.unlock();
        }
    }

    /**
     * The subscriber's lease: the grant held while the renewal thread keeps it (a lost one is
     * dropped by that thread or by a refused mark), else taken or renewed now (an acquire by the
     * holder renews it); null when another process holds it.
     */
    private @Nullable LeaseGrant holdLease(Delivery delivery) {
        LeaseGrant held = delivery.grant.get();
        if (held != null && running) {
            return held;
        }
        Optional<LeaseGrant> grant = lease.acquire(delivery.leaseName, holder, leaseDuration);
        LeaseGrant before = delivery.grant.getAndSet(grant.orElse(null));
        if (grant.isPresent() && (before == null || before.token() != grant.get().token())) {
            LOG.info("Relay {} delivers to {} (lease token {})", holder, delivery.name(), grant.get().token());
        }
        return grant.orElse(null);
    }

    private void renewLeases() {
        for (Delivery delivery : deliveries.values()) {
            LeaseGrant grant = delivery.grant.get();
            try {
                if (grant != null && !lease.renew(grant, leaseDuration)) {
                    delivery.grant.compareAndSet(grant, null);
                    LOG.warn("Relay {} lost the lease of {}; another process delivers to it", holder, delivery.name());
                }
            } catch (RuntimeException e) {
                // Keep the grant: the next renewal or acquire tells whether it is still held.
                LOG.warn("Relay {} could not renew the lease of {}: {}", holder, delivery.name(), e.toString());
            }
        }
    }

    private void releaseLease(Delivery delivery) {
        LeaseGrant grant = delivery.grant.getAndSet(null);
        if (grant != null) {
            try {
                lease.release(grant);
            } catch (RuntimeException e) {
                LOG.warn("Relay {} could not release the lease of {} (it expires by itself): {}", holder,
                        delivery.name(), e.toString());
            }
        }
    }

    /** Delivers one batch of pending events to one subscriber; returns its size, 0 without the lease. */
    private int deliverBatch(Delivery delivery) throws InterruptedException {
        delivery.lock.lockInterruptibly();
        try {
            LeaseGrant grant = holdLease(delivery);
            if (grant == null) {
                return 0;
            }
            List<OutboxEvent> batch = outbox.pending(delivery.name(), batchSize);
            if (!batch.isEmpty()) {
                deliver(delivery, grant, batch);
            }
            return batch.size();
        } catch (LeaseLost lost) {
            return 0;
        } finally {
            delivery.lock.unlock();
        }
    }

    /** The batch in one call if it goes through (waiting out outages), else event by event. */
    private void deliver(Delivery delivery, LeaseGrant grant, List<OutboxEvent> batch) throws InterruptedException {
        if (outlastingOutages(delivery, grant, () -> delivery.subscriber.handleAll(batch)) == null) {
            mark(delivery, grant, batch.stream().map(OutboxEvent::sequence).toList());
        } else {
            deliverOneByOne(delivery, grant, batch);
        }
    }

    /** One try at a subscriber. */
    @FunctionalInterface
    private interface Attempt {
        void run() throws Exception;
    }

    /**
     * Tries until the attempt goes through or fails for a reason other than an outage, waiting
     * out outages however long they last; returns that failure, or null when it went through.
     */
    private @Nullable Exception outlastingOutages(Delivery delivery, LeaseGrant grant, Attempt attempt)
            throws InterruptedException {
        Stall stall = new Stall(delivery);
        while (true) {
            try {
                attempt.run();
                stall.over();
                return null;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (!isUnavailable(e)) {
                    stall.over();
                    return e;
                }
                stall.waitAfter(e, grant);
            }
        }
    }

    private void deliverOneByOne(Delivery delivery, LeaseGrant grant, List<OutboxEvent> batch)
            throws InterruptedException {
        Set<Long> heldBack = new HashSet<>();
        List<Long> delivered = new ArrayList<>(batch.size());
        try {
            for (OutboxEvent event : batch) {
                // Behind a dead letter of this batch: the outbox holds it back from now on.
                if (heldBack.contains(event.orderId())) {
                    continue;
                }
                if (deliverOne(delivery, grant, event)) {
                    delivered.add(event.sequence());
                } else {
                    heldBack.add(event.orderId());
                }
            }
        } finally {
            if (!delivered.isEmpty()) {
                mark(delivery, grant, delivered);
            }
        }
    }

    /** One event with retries; true when handled, false when it was dead-lettered. */
    private boolean deliverOne(Delivery delivery, LeaseGrant grant, OutboxEvent event) throws InterruptedException {
        for (int failures = 1; ; failures++) {
            Exception failure = outlastingOutages(delivery, grant, () -> delivery.subscriber.handle(event));
            if (failure == null) {
                return true;
            }
            String error = failure.getClass().getSimpleName() + ": " + failure.getMessage();
            if (failures >= retry.maxAttempts()) {
                LOG.error("Event {} ({} of order {}) dead-lettered for {} after {} attempts; later events of the "
                        + "order wait behind it: {}", event.sequence(), event.type(), event.orderId(),
                        delivery.name(), failures, error);
                try {
                    outbox.deadLetter(delivery.name(), grant.token(), event.sequence(), error);
                } catch (FencedOutException fenced) {
                    throw fencedOut(delivery, grant, fenced);
                }
                return false;
            }
            LOG.warn("Event {} ({} of order {}) failed for {} (attempt {} of {}): {}", event.sequence(), event.type(),
                    event.orderId(), delivery.name(), failures, retry.maxAttempts(), error);
            pause(retry.delayAfter(failures));
        }
    }

    private void mark(Delivery delivery, LeaseGrant grant, List<Long> sequences) {
        try {
            outbox.markDelivered(delivery.name(), grant.token(), sequences);
        } catch (FencedOutException fenced) {
            throw fencedOut(delivery, grant, fenced);
        }
    }

    private LeaseLost fencedOut(Delivery delivery, LeaseGrant grant, FencedOutException fenced) {
        refusedMarks.incrementAndGet();
        delivery.grant.compareAndSet(grant, null);
        LOG.warn("Relay {} stops delivering to {}: {}", holder, delivery.name(), fenced.getMessage());
        return new LeaseLost();
    }

    private void pause(Duration delay) throws InterruptedException {
        if (closed) {
            throw new InterruptedException("relay closed");
        }
        Thread.sleep(delay.toMillis());
    }

    private static boolean isUnavailable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof StoreUnavailableException) {
                return true;
            }
        }
        return false;
    }

    /**
     * An outage of one subscriber's back-end: waits between tries with a delay doubling up to the
     * cap, logging its start and end once rather than every try.
     */
    private final class Stall {
        private final Delivery delivery;
        private int tries;

        Stall(Delivery delivery) {
            this.delivery = delivery;
        }

        void waitAfter(Exception error, LeaseGrant grant) throws InterruptedException {
            tries++;
            if (tries == 1) {
                LOG.warn("Subscriber {} is unavailable; its deliveries wait until it is back: {}", delivery.name(),
                        error.toString());
            }
            pause(stallDelay(tries));
            if (delivery.grant.get() != grant) {
                throw new LeaseLost(); // renewal failed while we waited: the new holder takes over
            }
        }

        void over() {
            if (tries > 0) {
                LOG.info("Subscriber {} is back after {} tries", delivery.name(), tries);
                tries = 0;
            }
        }
    }

    /**
     * Stops the delivery threads and gives the leases up, so another process takes over at once;
     * undelivered events stay pending in the outbox. Idempotent.
     */
    @Override
    public void close() {
        if (stopThreads()) {
            deliveries.values().forEach(this::releaseLease);
        }
    }

    /**
     * Stops at once, as a killed process would: the delivery threads stop and the leases are
     * kept, so another process takes a subscriber over only when its lease expires. For tests
     * and emergencies; {@link #close()} is the orderly way. Idempotent.
     */
    public void halt() {
        stopThreads();
    }

    /** Stops the delivery and renewal threads; false when they were stopped before. */
    private boolean stopThreads() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
        }
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (renewer != null) {
            renewer.shutdownNow();
        }
        return true;
    }

    /** Configures an {@link OutboxRelay}; every setting but the subscribers has a default. */
    public static final class Builder {
        private final Outbox outbox;
        private final Lease lease;
        private final List<EventSubscriber> subscribers = new ArrayList<>();
        private String holder = ProcessHandle.current().pid() + "-" + UUID.randomUUID();
        private Clock clock = Clock.systemUTC();
        private RetryPolicy retry = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10));
        private Duration pollInterval = Duration.ofMillis(50);
        private Duration leaseDuration = Duration.ofSeconds(30);
        private Duration maxStallDelay = Duration.ofSeconds(5);
        private int batchSize = 256;

        private Builder(Outbox outbox, Lease lease) {
            this.outbox = Objects.requireNonNull(outbox, "outbox");
            this.lease = Objects.requireNonNull(lease, "lease");
        }

        public Builder subscribers(List<? extends EventSubscriber> value) {
            value.forEach(subscriber -> subscribers.add(Objects.requireNonNull(subscriber, "subscriber")));
            return this;
        }

        public Builder subscriber(EventSubscriber value) {
            return subscribers(List.of(value));
        }

        /** The holder name of this relay's leases (default: the process id and a random UUID). */
        public Builder holder(String value) {
            Lease.checkNames("outbox:holder", value);
            this.holder = value;
            return this;
        }

        /** The clock lag is measured on. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Attempts and backoff for an event that fails for a reason other than an outage. */
        public Builder retry(RetryPolicy value) {
            this.retry = Objects.requireNonNull(value, "retry");
            return this;
        }

        /** How often an idle relay looks for new events or a free lease (default 50 ms). */
        public Builder pollInterval(Duration value) {
            this.pollInterval = positive("pollInterval", value);
            return this;
        }

        /** How long a lease lasts without renewal: the takeover time after a crash (default 30 s). */
        public Builder leaseDuration(Duration value) {
            this.leaseDuration = positive("leaseDuration", value);
            return this;
        }

        /** The longest wait between tries of an unavailable subscriber, outbox or lease (default 5 s). */
        public Builder maxStallDelay(Duration value) {
            this.maxStallDelay = positive("maxStallDelay", value);
            return this;
        }

        /** Events per {@link EventSubscriber#handleAll} call (default 256). */
        public Builder batchSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1: " + value);
            }
            this.batchSize = value;
            return this;
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }

        public OutboxRelay build() {
            return new OutboxRelay(this);
        }
    }
}
