package io.orderkpi.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.queue.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboxRelayTest {

    static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5));

    final Clock clock = Clock.fixed(Instant.parse("2025-11-16T12:00:00Z"), ZoneOffset.UTC);
    final MemoryRecordStore records = new MemoryRecordStore(clock);
    final List<OutboxRelay> relays = new ArrayList<>();

    @AfterEach
    void closeRelays() {
        relays.forEach(OutboxRelay::close);
    }

    OutboxRelay relay(EventSubscriber... subscribers) {
        OutboxRelay relay = new OutboxRelay(records.outbox(), List.of(subscribers), clock, FAST, Duration.ofMillis(10));
        relays.add(relay);
        return relay;
    }

    Order orderWithEvents(String number, int events) {
        List<NewEvent> list = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            list.add(NewEvent.of(EventType.ORDER_PROCESS_STARTED, Map.of("n", number + "#" + i)));
        }
        return records.orders().insert(new NewOrder(number, "c1", "", "", OrderStatus.PENDING, Money.parse("1.00"),
                "USD", List.of(new OrderItem("P", "", "", 1, Money.parse("1.00"))), clock.instant()), list);
    }

    static final class Recorder implements EventSubscriber {
        final String name;
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean failing = new AtomicBoolean();

        Recorder(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void handle(OutboxEvent event) {
            if (failing.get()) {
                throw new IllegalStateException("store down");
            }
            seen.add(event.data().get("n"));
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
    }

    @Test
    void aFailingSubscriberNeverHoldsBackAnother() {
        orderWithEvents("A", 2);
        Recorder failing = new Recorder("analytics");
        failing.failing.set(true);
        Recorder healthy = new Recorder("notifications");
        OutboxRelay relay = relay(failing, healthy);

        relay.start();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(healthy.seen).containsExactly("A#0", "A#1");
            assertThat(records.outbox().deadLetters("analytics")).hasSize(2);
        });
        assertThat(failing.seen).isEmpty();
        assertThat(records.outbox().deadLetters("analytics").get(0).error()).contains("store down");
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

        assertThat(calls).hasValue(3);
        assertThat(records.outbox().deadLetters(null)).isEmpty();
        assertThat(records.outbox().pending("flaky", 10)).isEmpty();
    }

    @Test
    void redeliversDeadLettersOnRequestAndResolvesThem() throws Exception {
        orderWithEvents("A", 2);
        Recorder recorder = new Recorder("analytics");
        recorder.failing.set(true);
        OutboxRelay relay = relay(recorder);
        relay.drain();
        assertThat(records.outbox().deadLetters("analytics")).hasSize(2);

        recorder.failing.set(false);
        int resolved = relay.redeliverDeadLetters("analytics");

        assertThat(resolved).isEqualTo(2);
        assertThat(recorder.seen).containsExactly("A#0", "A#1");
        assertThat(records.outbox().deadLetters(null)).isEmpty();
    }

    @Test
    void picksUpEventsRecordedWhileItRuns() {
        Recorder recorder = new Recorder("analytics");
        OutboxRelay relay = relay(recorder);
        relay.start();
        Order order = orderWithEvents("A", 1);

        records.orders().transition(order.id(), OrderStatus.PENDING, OrderStatus.RESERVING_STOCK, OrderChanges.none(),
                List.of(NewEvent.of(EventType.ORDER_PROCESS_STARTED, Map.of("n", "A#1"))));
        relay.wakeUp();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(recorder.seen).containsExactly("A#0", "A#1"));
        assertThat(relay.isHealthy()).isTrue();
        assertThat(relay.lag("analytics")).isZero();
    }

    @Test
    void reportsTheAgeOfTheOldestUndeliveredEventAsLag() {
        orderWithEvents("A", 1);
        Clock later = Clock.offset(clock, Duration.ofSeconds(42));
        OutboxRelay relay = new OutboxRelay(records.outbox(), List.of(new Recorder("analytics")), later, FAST,
                Duration.ofMillis(10));
        relays.add(relay);

        assertThat(relay.lag("analytics")).isEqualTo(Duration.ofSeconds(42));
    }
}
