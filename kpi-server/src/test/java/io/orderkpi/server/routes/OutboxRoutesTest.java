package io.orderkpi.server.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderkpi.core.event.EventSubscriber;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.server.routes.ApiFixture.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters over HTTP (SPEC §8). The server runs an application subscriber, {@code audit},
 * that cannot handle the events of orders the test poisons: a real way to dead-letter events.
 */
class OutboxRoutesTest {

    /** Orders whose events {@code audit} refuses. */
    static final Set<Long> POISONED = ConcurrentHashMap.newKeySet();
    /** Every event {@code audit} handled, in order. */
    static final List<OutboxEvent> AUDITED = new CopyOnWriteArrayList<>();

    static final class Audit implements EventSubscriber {
        @Override
        public String name() {
            return "audit";
        }

        @Override
        public void handle(OutboxEvent event) {
            if (POISONED.contains(event.orderId())) {
                // The message names a customer, as a careless subscriber's might.
                throw new IllegalStateException("audit log refused order " + event.orderId() + " of zoe@example.com");
            }
            AUDITED.add(event);
        }
    }

    @TempDir
    static Path dir;
    static ApiFixture api;
    static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();

    @BeforeAll
    static void start() {
        api = ApiFixture.start(dir, builder -> builder.subscriber(new Audit()).meterRegistry(METERS)
                .relayRetry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5))));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** Creates and processes an order whose events audit refuses; waits for its dead letter. */
    private static long poisonedOrder(String number) {
        long id = api.createOrder(number, "DEAD-" + number, "10.00");
        POISONED.add(id);
        api.post("/api/v1/orders/" + id + "/process");
        await().atMost(Duration.ofSeconds(20)).until(() -> deadLetters("?subscriber=audit&limit=500").stream()
                .anyMatch(letter -> letter.get("order_id").asLong() == id));
        return id;
    }

    private static List<JsonNode> deadLetters(String query) {
        Reply reply = api.get("/api/v1/outbox/dead-letters" + query);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<JsonNode> letters = new ArrayList<>();
        reply.data().get("dead_letters").forEach(letters::add);
        return letters;
    }

    private static List<Long> auditedOf(long orderId) {
        return AUDITED.stream().filter(event -> event.orderId() == orderId).map(OutboxEvent::sequence).toList();
    }

    @Test
    void listsDeadLettersNewestFirstWithoutPersonalDataAndRedeliversThem() {
        long first = poisonedOrder("DL-1");
        long second = poisonedOrder("DL-2");
        long third = poisonedOrder("DL-3");

        List<JsonNode> letters = deadLetters("?subscriber=audit");
        assertThat(letters).extracting(letter -> letter.get("order_id").asLong()).containsExactly(third, second, first);
        JsonNode letter = letters.get(2);
        List<String> fields = new ArrayList<>();
        for (Iterator<String> names = letter.fieldNames(); names.hasNext(); ) {
            fields.add(names.next());
        }
        assertThat(fields).containsExactly("subscriber", "sequence", "order_id", "event_type", "error",
                "dead_lettered_at");
        assertThat(letter.get("subscriber").asText()).isEqualTo("audit");
        assertThat(letter.get("event_type").asText()).isEqualTo(EventType.ORDER_PROCESS_STARTED.wireName());
        assertThat(letter.get("error").asText()).contains("IllegalStateException", "audit log refused order")
                .doesNotContain("zoe@example.com");
        assertThat(letter.get("dead_lettered_at").asText()).endsWith("Z");
        assertThat(METERS.get("orderkpi.outbox.dead.letters").tag("subscriber", "audit").gauge().value())
                .isEqualTo(3);
        // Other subscribers had every event.
        assertThat(deadLetters("?subscriber=analytics")).isEmpty();
        assertThat(deadLetters("")).hasSize(3);

        // Pages of two, then the last one.
        Reply page = api.get("/api/v1/outbox/dead-letters?subscriber=audit&limit=2");
        assertThat(page.data().get("dead_letters")).hasSize(2);
        String cursor = page.data().get("next_cursor").asText();
        Reply last = api.get("/api/v1/outbox/dead-letters?subscriber=audit&limit=2&cursor=" + cursor);
        assertThat(last.data().get("dead_letters")).singleElement()
                .satisfies(node -> assertThat(node.get("order_id").asLong()).isEqualTo(first));
        assertThat(last.data().get("next_cursor").isNull()).isTrue();

        // The later events of the first order waited; redelivering releases them in order.
        long sequence = letter.get("sequence").asLong();
        assertThat(auditedOf(first)).isEmpty();
        POISONED.remove(first);
        Reply redelivered = api.post("/api/v1/outbox/dead-letters/audit/" + sequence + "/redeliver");
        assertThat(redelivered.status()).isEqualTo(202);
        assertThat(redelivered.data().get("redelivered").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> auditedOf(first).size()
                == api.kpi.records().outbox().eventsOf(first).size());
        assertThat(auditedOf(first)).isSorted().first().isEqualTo(sequence);
        assertThat(api.post("/api/v1/outbox/dead-letters/audit/" + sequence + "/redeliver").status()).isEqualTo(404);

        POISONED.clear();
        Reply all = api.post("/api/v1/outbox/dead-letters/redeliver-all?subscriber=audit");
        assertThat(all.status()).isEqualTo(202);
        assertThat(all.data().get("redelivered").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> auditedOf(second).size()
                == api.kpi.records().outbox().eventsOf(second).size()
                && auditedOf(third).size() == api.kpi.records().outbox().eventsOf(third).size());
        assertThat(deadLetters("")).isEmpty();
        assertThat(METERS.get("orderkpi.outbox.dead.letters").tag("subscriber", "audit").gauge().value()).isZero();
        Reply none = api.post("/api/v1/outbox/dead-letters/redeliver-all");
        assertThat(none.status()).isEqualTo(202);
        assertThat(none.data().get("redelivered").asInt()).isZero();
    }

    @Test
    void anUnknownSubscriberOrDeadLetterIsA404AndABadLimitA400() {
        Reply unknown = api.get("/api/v1/outbox/dead-letters?subscriber=nobody");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).contains("nobody", "audit");
        assertThat(api.post("/api/v1/outbox/dead-letters/nobody/1/redeliver").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/outbox/dead-letters/audit/999999/redeliver").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/outbox/dead-letters/audit/not-a-number/redeliver").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/outbox/dead-letters/redeliver-all?subscriber=nobody").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/outbox/dead-letters?limit=many").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/outbox/dead-letters?cursor=bogus").status()).isEqualTo(400);
    }
}
