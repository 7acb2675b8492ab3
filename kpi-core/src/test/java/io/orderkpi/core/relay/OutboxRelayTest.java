package io.orderkpi.core.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.SettableClock;
import io.orderkpi.core.event.DeadLetter;
import io.orderkpi.core.event.EventSubscriber;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.memory.MemoryLease;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.spi.Lease;
import io.orderkpi.core.spi.LeaseGrant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboxRelayTest {

    static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5));
    static final Duration WAIT = Duration.ofSeconds(20);

    final Clock clock = Clock.fixed(Instant.parse("2025-11-16T12:00:00Z"), ZoneOffset.UTC);
    final MemoryRecordStore records = new MemoryRecordStore(clock);
    final Lease lease = new MemoryLease();
    final List<OutboxRelay> relays = new ArrayList<>();

    @AfterEach
    void closeRelays() {
        relays.forEach(OutboxRelay::close);
    }

    OutboxRelay.Builder relayBuilder(Lease withLease, EventSubscriber... subscribers) {
        return OutboxRelay.builder(records.outbox(), withLease).subscribers(List.of(subscribers)).clock(clock)
                .retry(FAST).pollInterval(Duration.ofMillis(10)).maxStallDelay(Duration.ofMillis(20));
    }

    OutboxRelay relay(EventSubscriber... subscribers) {
        return keep(relayBuilder(lease, subscribers).build());
    }

    OutboxRelay keep(OutboxRelay relay) {
        relays.add(relay);
        return relay;
    }

    Order orderWithEvents(String number, int events) {
        List<NewEvent> list = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            list.add(tagged(number + "#" + i));
        }
        return records.orders().insert(new NewOrder(number, "c1", "", "", OrderStatus.PENDING, Money.parse("1.00"),
                "USD", List.of(new OrderItem("P", "", "", 1, Money.parse("1.00"))), clock.instant()), list);
    }

    /** Appends an event to an order with its next status change (at most three times per order). */
    void addEvent(Order order, String tag) {
        OrderStatus from = records.orders().get(order.id()).orElseThrow().status();
        OrderStatus to = switch (from) {
            case PENDING -> OrderStatus.RESERVING_STOCK;
            case RESERVING_STOCK -> OrderStatus.STOCK_RESERVED;
            default -> OrderStatus.PROCESSING_PAYMENT;
        };
        records.orders().transition(order.id(), from, to, OrderChanges.none(), List.of(tagged(tag)));
    }

    static NewEvent tagged(String tag) {
        return NewEvent.of(EventType.ORDER_PROCESS_STARTED, Map.of("n", tag));
    }

    List<DeadLetter> deadLetters(String subscriber) {
        return records.outbox().deadLetters(subscriber, Long.MAX_VALUE, 1000).items();
    }

    static class Recorder implements EventSubscriber {
        final String name;
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicReference<String> poison = new AtomicReference<>();

        Recorder(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void handle(OutboxEvent event) throws Exception {
            String tag = event.data().get("n");
            if (failing.get() || tag.equals(poison.get())) {
                throw new IllegalStateException("cannot handle " + tag);
            }
            seen.add(tag);
        }
    }

    @Test
    void deliversEveryEventInSequenceOrderAndMarksItDelivered() throws Exception {
        orderWithEvents("A", 3);
        orderWithEvents("B", 2);
        Recorder recorder = new Recorder("analytics");

        long delivered = relay(recorder).drain();

        assertThat(delivered).isEqualTo(5);
        assertThat(recorder.seen).containsExactly("A#0", "A#1", "A#2", "B#0", "B#1");
        assertThat(records.outbox().pending("analytics", 10)).isEmpty();
        assertThat(relays.get(0).drain()).isZero();
        assertThat(records.outbox().subscribers()).containsExactly("analytics");
        assertThat(lease.current("outbox:analytics")).as("a relay that is not running gives the lease up").isEmpty();
    }

    @Test
    void aFailingSubscriberNeverHoldsBackAnother() {
        orderWithEvents("A", 2);
        Recorder failing = new Recorder("analytics");
        failing.failing.set(true);
        Recorder healthy = new Recorder("notifications");
        OutboxRelay relay = relay(failing, healthy);

        relay.start();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(healthy.seen).containsExactly("A#0", "A#1");
            assertThat(deadLetters("analytics")).hasSize(1);
        });
        assertThat(failing.seen).isEmpty();
        assertThat(deadLetters("analytics").get(0).error()).contains("cannot handle A#0");
        assertThat(relay.deadLetterCount("analytics")).isEqualTo(1);
        // A#1 waits behind A#0, still in the outbox.
        assertThat(records.outbox().pending("analytics", 10)).isEmpty();
        assertThat(records.outbox().eventsOf(deadLetters("analytics").get(0).event().orderId())).hasSize(2);
    }

    @Test
    void retriesAThrowingSubscriberAndDeliversOnceItRecovers() throws Exception {
        orderWithEvents("A", 1);
        AtomicInteger calls = new AtomicInteger();
        EventSubscriber flaky = new EventSubscriber() {
            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public void handle(OutboxEvent event) {
                if (calls.incrementAndGet() < 3) {
                    throw new IllegalStateException("timeout");
                }
            }
        };

        relay(flaky).drain();

        // The first call failed the batch; then two tries of the event alone.
        assertThat(calls).hasValue(3);
        assertThat(deadLetters(null)).isEmpty();
        assertThat(records.outbox().pending("flaky", 10)).isEmpty();
    }

    /** Down (throwing StoreUnavailableException, directly or as a cause) for its first calls. */
    static final class Unavailable extends Recorder {
        final AtomicInteger calls = new AtomicInteger();
        final int downCalls;
        final boolean wrapped;

        Unavailable(int downCalls, boolean wrapped) {
            super("analytics");
            this.downCalls = downCalls;
            this.wrapped = wrapped;
        }

        @Override
        public void handle(OutboxEvent event) throws Exception {
            if (calls.incrementAndGet() <= downCalls) {
                StoreUnavailableException down = new StoreUnavailableException("KPI store unreachable");
                throw wrapped ? new IllegalStateException("apply failed", down) : down;
            }
            super.handle(event);
        }
    }

    @Test
    void anUnavailableSubscriberStallsPastEveryRetryAndIsNeverDeadLettered() throws Exception {
        orderWithEvents("A", 2);
        orderWithEvents("B", 1);
        // Ten times the retry policy's attempts: a relay that counted them would dead-letter.
        Unavailable subscriber = new Unavailable(10 * FAST.maxAttempts(), false);

        relay(subscriber).drain();

        assertThat(subscriber.calls.get()).isGreaterThan(10 * FAST.maxAttempts());
        assertThat(deadLetters(null)).isEmpty();
        assertThat(subscriber.seen).containsExactly("A#0", "A#1", "B#0");
        assertThat(records.outbox().pending("analytics", 10)).isEmpty();
    }

    @Test
    void anOutageReportedAsTheCauseOfAnotherExceptionStallsToo() throws Exception {
        orderWithEvents("A", 1);
        Unavailable subscriber = new Unavailable(2 * FAST.maxAttempts(), true);

        relay(subscriber).drain();

        assertThat(deadLetters(null)).isEmpty();
        assertThat(subscriber.seen).containsExactly("A#0");
    }

    /** Another lease seen through: subclasses change one call. */
    static class DelegatingLease implements Lease {
        private final Lease lease;

        DelegatingLease(Lease lease) {
            this.lease = lease;
        }

        @Override
        public Optional<LeaseGrant> acquire(String name, String holder, Duration duration) {
            return lease.acquire(name, holder, duration);
        }

        @Override
        public boolean renew(LeaseGrant grant, Duration duration) {
            return lease.renew(grant, duration);
        }

        @Override
        public boolean release(LeaseGrant grant) {
            return lease.release(grant);
        }

        @Override
        public Optional<LeaseGrant> current(String name) {
            return lease.current(name);
        }
    }

    /** A lease whose store is down for its first acquires; it notes when each was tried. */
    static final class DownLease extends DelegatingLease {
        private final int downCalls;
        final List<Long> tries = Collections.synchronizedList(new ArrayList<>());

        DownLease(int downCalls) {
            super(new MemoryLease());
            this.downCalls = downCalls;
        }

        @Override
        public Optional<LeaseGrant> acquire(String name, String holder, Duration duration) {
            tries.add(System.nanoTime());
            if (tries.size() <= downCalls) {
                throw new StoreUnavailableException("lease store unreachable");
            }
            return super.acquire(name, holder, duration);
        }
    }

    /**
     * The lease's store down (Redis, say): the relay waits out the outage with the stall backoff
     * rather than trying (and logging) at every poll, and delivers once the lease is back.
     */
    @Test
    void anUnreachableLeaseIsTriedAgainWithABackoffRatherThanAtEveryPoll() {
        orderWithEvents("A", 1);
        Recorder recorder = new Recorder("analytics");
        DownLease down = new DownLease(8);
        OutboxRelay relay = keep(relayBuilder(down, recorder).maxStallDelay(Duration.ofMillis(200)).build());

        relay.start();

        await().atMost(WAIT).until(() -> recorder.seen.contains("A#0"));
        // After the eight failed tries the relay waited 50, 100, then six times 200 ms: 1,350 ms at
        // least, whatever the machine's load; at the 10 ms poll interval it would be about 80 ms.
        assertThat(TimeUnit.NANOSECONDS.toMillis(down.tries.get(8) - down.tries.get(0))).isGreaterThanOrEqualTo(1_300);
        assertThat(deadLetters(null)).isEmpty();
    }

    @Test
    void aPoisonEventIsDeadLetteredAndLaterEventsOfItsOrderWaitBehindItUntilRedelivered() {
        Recorder recorder = new Recorder("analytics");
        recorder.poison.set("A#0");
        Order a = orderWithEvents("A", 2);
        orderWithEvents("B", 1);
        OutboxRelay relay = relay(recorder);
        relay.start();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(deadLetters("analytics")).hasSize(1);
            assertThat(recorder.seen).contains("B#0");
        });
        DeadLetter letter = deadLetters("analytics").get(0);
        assertThat(letter.event().data().get("n")).isEqualTo("A#0");
        // More events, of the held order and of another: only the other's pass.
        addEvent(a, "A#2");
        orderWithEvents("C", 1);
        relay.wakeUp();
        await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.seen).contains("C#0"));
        assertThat(recorder.seen).containsExactly("B#0", "C#0");
        assertThat(records.outbox().eventsOf(a.id())).hasSize(3);

        recorder.poison.set(null);
        assertThat(relay.redeliver("analytics", letter.event().sequence())).isTrue();

        await().atMost(WAIT).untilAsserted(() ->
                assertThat(recorder.seen).containsExactly("B#0", "C#0", "A#0", "A#1", "A#2"));
        assertThat(deadLetters(null)).isEmpty();
        assertThat(relay.redeliver("analytics", letter.event().sequence())).isFalse();
    }

    @Test
    void redeliverAllReleasesEveryDeadLetterOfASubscriber() throws Exception {
        orderWithEvents("A", 2);
        orderWithEvents("B", 1);
        Recorder recorder = new Recorder("analytics");
        recorder.failing.set(true);
        OutboxRelay relay = relay(recorder);
        relay.drain();
        assertThat(deadLetters("analytics")).hasSize(2);

        recorder.failing.set(false);
        assertThat(relay.redeliverAll("analytics")).isEqualTo(2);
        relay.drain();

        assertThat(recorder.seen).containsExactly("A#0", "A#1", "B#0");
        assertThat(deadLetters(null)).isEmpty();
    }

    @Test
    void givesEachBatchToTheSubscriberInOneCall() throws Exception {
        for (int i = 0; i < 5; i++) {
            orderWithEvents("O" + i, 2);
        }
        List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
        Recorder recorder = new Recorder("analytics") {
            @Override
            public void handleAll(List<OutboxEvent> events) throws Exception {
                batches.add(events.size());
                super.handleAll(events);
            }
        };

        keep(relayBuilder(lease, recorder).batchSize(4).build()).drain();

        assertThat(batches).containsExactly(4, 4, 2);
        assertThat(recorder.seen).hasSize(10);
    }

    @Test
    void subscriberNamesFitTheirLeaseNameAndAreUnique() throws Exception {
        String longest = "s".repeat(Lease.MAX_NAME_LENGTH - "outbox:".length());
        orderWithEvents("A", 1);
        Recorder recorder = new Recorder(longest);

        assertThat(relay(recorder).drain()).isEqualTo(1);
        assertThat(recorder.seen).containsExactly("A#0");
        assertThatThrownBy(() -> relayBuilder(lease, new Recorder(longest + "s")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(longest + "s")
                .hasMessageContaining(String.valueOf(longest.length()));
        assertThatThrownBy(() -> relayBuilder(lease, new Recorder("analytics"), new Recorder("analytics")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("analytics");
    }

    @Test
    void picksUpEventsRecordedWhileItRuns() {
        Recorder recorder = new Recorder("analytics");
        OutboxRelay relay = relay(recorder);
        relay.start();
        Order order = orderWithEvents("A", 1);

        addEvent(order, "A#1");
        relay.wakeUp();

        await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.seen).containsExactly("A#0", "A#1"));
        assertThat(relay.isHealthy()).isTrue();
        assertThat(relay.lag("analytics")).isZero();
        assertThat(relay.holdsLease("analytics")).isTrue();
    }

    @Test
    void reportsTheAgeOfTheOldestUndeliveredEventAsLag() {
        orderWithEvents("A", 1);
        Clock later = Clock.offset(clock, Duration.ofSeconds(42));
        OutboxRelay relay = keep(relayBuilder(lease, new Recorder("analytics")).clock(later).build());

        assertThat(relay.lag("analytics")).isEqualTo(Duration.ofSeconds(42));
    }

    @Test
    void closingGivesTheLeaseUpSoAnotherRelayTakesOverAtOnce() {
        OutboxRelay first = relay(new Recorder("analytics"));
        first.start();
        await().atMost(WAIT).until(() -> first.holdsLease("analytics"));
        // Longer than the test: only the release can hand the lease over in time.
        OutboxRelay second = keep(relayBuilder(lease, new Recorder("analytics")).leaseDuration(Duration.ofMinutes(5))
                .build());
        second.start();
        assertThat(second.holdsLease("analytics")).isFalse();

        first.close();

        await().atMost(WAIT).until(() -> second.holdsLease("analytics"));
        assertThat(lease.current("outbox:analytics").map(LeaseGrant::holder)).contains(second.holder());
    }

    /** One subscriber name in two relays: counts how many are inside it at once. */
    static final class Exclusive extends Recorder {
        final AtomicInteger inside;
        final AtomicInteger mostInside;
        final ConcurrentLinkedQueue<OutboxEvent> delivered;

        Exclusive(AtomicInteger inside, AtomicInteger mostInside, ConcurrentLinkedQueue<OutboxEvent> delivered) {
            super("analytics");
            this.inside = inside;
            this.mostInside = mostInside;
            this.delivered = delivered;
        }

        @Override
        public void handleAll(List<OutboxEvent> events) {
            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                delivered.addAll(events);
                Thread.yield(); // widen the window a second deliverer would show up in
            } finally {
                inside.decrementAndGet();
            }
        }
    }

    @Test
    void twoRelaysOverOneStoreAndLeaseNeverDeliverASubscriberConcurrentlyAndOneTakesOverFromTheOther() {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        ConcurrentLinkedQueue<OutboxEvent> delivered = new ConcurrentLinkedQueue<>();
        OutboxRelay first = keep(relayBuilder(lease, new Exclusive(inside, mostInside, delivered)).batchSize(16)
                .build());
        OutboxRelay second = keep(relayBuilder(lease, new Exclusive(inside, mostInside, delivered)).batchSize(16)
                .build());
        first.start();
        second.start();
        await().atMost(WAIT).until(() -> first.holdsLease("analytics") || second.holdsLease("analytics"));
        OutboxRelay holder = first.holdsLease("analytics") ? first : second;
        OutboxRelay survivor = holder == first ? second : first;

        List<Order> orders = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            orders.add(orderWithEvents("O" + i, 2));
            if (i == 150) {
                // The holder goes away mid-run; the other takes over.
                holder.close();
            }
        }
        for (Order order : orders) {
            addEvent(order, "late");
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(records.outbox().pending("analytics", 1)).isEmpty());
        assertThat(mostInside.get()).as("deliverers inside the subscriber at once").isEqualTo(1);
        assertThat(survivor.holdsLease("analytics")).isTrue();
        Map<Long, List<Long>> sequencesByOrder = new HashMap<>();
        for (OutboxEvent event : delivered) {
            List<Long> seen = sequencesByOrder.computeIfAbsent(event.orderId(), id -> new ArrayList<>());
            if (!seen.contains(event.sequence())) {
                seen.add(event.sequence());
            }
        }
        assertThat(sequencesByOrder).hasSize(orders.size());
        sequencesByOrder.values().forEach(sequences -> assertThat(sequences).hasSize(3).isSorted());
    }

    /** A paused process's view of a lease: it believes its renewals work while none happens. */
    static final class PausedRenewals extends DelegatingLease {

        PausedRenewals(Lease lease) {
            super(lease);
        }

        @Override
        public boolean renew(LeaseGrant grant, Duration duration) {
            return true;
        }
    }

    @Test
    void aRelayThatLostItsLeaseWhilePausedHasItsMarksRefused() throws Exception {
        SettableClock leaseClock = new SettableClock(Instant.parse("2025-11-16T12:00:00Z"));
        MemoryLease shared = new MemoryLease(leaseClock);
        orderWithEvents("A", 1);
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        Recorder stalling = new Recorder("analytics") {
            @Override
            public void handle(OutboxEvent event) throws Exception {
                paused.countDown();
                assertThat(resume.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                super.handle(event);
            }
        };
        OutboxRelay stalled = keep(relayBuilder(new PausedRenewals(shared), stalling)
                .leaseDuration(Duration.ofSeconds(10)).build());
        stalled.start();
        assertThat(paused.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // The pause outlasts the lease; another process takes over and dead-letters the event.
        leaseClock.advance(Duration.ofSeconds(11));
        Recorder failing = new Recorder("analytics");
        failing.failing.set(true);
        OutboxRelay successor = keep(relayBuilder(shared, failing).leaseDuration(Duration.ofSeconds(10)).build());
        successor.start();
        await().atMost(WAIT).untilAsserted(() -> assertThat(deadLetters("analytics")).hasSize(1));

        resume.countDown();

        await().atMost(WAIT).until(() -> stalled.refusedMarks() == 1);
        assertThat(stalling.seen).containsExactly("A#0");
        assertThat(deadLetters("analytics")).as("the stale mark resolved nothing").hasSize(1);
        assertThat(stalled.holdsLease("analytics")).isFalse();
        assertThat(successor.holdsLease("analytics")).isTrue();
    }
}
