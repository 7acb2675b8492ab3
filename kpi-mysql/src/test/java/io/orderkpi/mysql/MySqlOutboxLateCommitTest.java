package io.orderkpi.mysql;

import static io.orderkpi.testkit.TestEvents.TAG;
import static io.orderkpi.testkit.TestEvents.anEvent;
import static io.orderkpi.testkit.TestOrders.aNewOrder;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.spi.OutboxPosition;
import io.orderkpi.testkit.MySqlServerExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sequences become visible in order: a transaction that took a sequence and has not committed yet
 * holds the counter row, so a later transaction takes a higher sequence only after that commit,
 * and a position read meanwhile is never passed by the one in flight.
 */
class MySqlOutboxLateCommitTest {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    @RegisterExtension
    static final TestDatabase DATABASE = new TestDatabase(MYSQL);

    private static long checkpointOf(String subscriber) {
        return DATABASE.jdbi().withHandle(handle -> handle.createQuery(
                "SELECT delivered_upto FROM outbox_checkpoints WHERE subscriber = :s").bind("s", subscriber)
                .mapTo(Long.class).findOne().orElse(0L));
    }

    private static long deliveredRowsOf(String subscriber) {
        return DATABASE.jdbi().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM outbox_delivered WHERE subscriber = :s").bind("s", subscriber)
                .mapTo(Long.class).one());
    }

    @Test
    void aSecondAppendWaitsForTheCommitOfOneInFlightSoSequencesBecomeVisibleInOrder() throws Exception {
        RecordingDataSource slowSide = new RecordingDataSource(DATABASE.dataSource());
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (MySqlRecordStore slow = MySqlRecordStore.on(slowSide, Clock.systemUTC(), SchemaMigration.VALIDATE);
                MySqlRecordStore store = DATABASE.store()) {
            Order early = store.orders().insert(aNewOrder("EARLY-1"), List.of());
            Order late = store.orders().insert(aNewOrder("LATE-1"), List.of());
            OutboxPosition before = store.outbox().position();

            // The first transaction takes its sequence, then stalls before its commit.
            RecordingDataSource.HeldCommit held = slowSide.holdNextCommit();
            CompletableFuture<Optional<Order>> first = CompletableFuture.supplyAsync(() -> slow.orders().transition(
                    early.id(), OrderStatus.PENDING, OrderStatus.RESERVING_STOCK, OrderChanges.none(),
                    List.of(anEvent(EventType.ORDER_PROCESS_STARTED, "early"))), threads);
            assertThat(held.arrived.await(30, SECONDS)).as("the first transaction reached its commit").isTrue();

            // The second waits for the counter row the first holds.
            CompletableFuture<Optional<Order>> second = CompletableFuture.supplyAsync(() -> store.orders().transition(
                    late.id(), OrderStatus.PENDING, OrderStatus.CANCELLED, OrderChanges.none(),
                    List.of(anEvent(EventType.ORDER_FAILED, "late"))), threads);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !second.isDone());
            assertThat(store.outbox().pending("relay", 10)).isEmpty();
            assertThat(store.outbox().position()).as("nothing in flight is visible").isEqualTo(before);

            held.release();
            assertThat(first.get(30, SECONDS)).isPresent();
            assertThat(second.get(30, SECONDS)).isPresent();

            List<OutboxEvent> visible = store.outbox().recordedAfter(before, 10);
            assertThat(visible).extracting(event -> event.data().get(TAG)).containsExactly("early", "late");
            assertThat(store.outbox().position().sequence()).isEqualTo(visible.get(1).sequence());
            store.outbox().markDelivered("relay", 1, List.of(visible.get(1).sequence()));
            assertThat(store.outbox().pending("relay", 10)).extracting(event -> event.data().get(TAG))
                    .containsExactly("early");
            store.outbox().markDelivered("relay", 1, List.of(visible.get(0).sequence()));
            assertThat(store.outbox().pending("relay", 10)).isEmpty();
            assertThat(checkpointOf("relay")).as("the checkpoint covers both").isEqualTo(visible.get(1).sequence());
            assertThat(deliveredRowsOf("relay")).as("bookkeeping below the checkpoint is dropped").isZero();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theCheckpointFollowsContiguousDeliveriesSoBookkeepingStaysSmall() {
        try (MySqlRecordStore store = DATABASE.store()) {
            for (int i = 0; i < 5; i++) {
                store.orders().insert(aNewOrder("C-" + i), List.of(anEvent("c" + i)));
            }
            List<OutboxEvent> all = store.outbox().pending("relay", 10);

            store.outbox().markDelivered("relay", 1, List.of(all.get(0).sequence(), all.get(1).sequence(),
                    all.get(3).sequence()));

            assertThat(checkpointOf("relay")).isEqualTo(all.get(1).sequence());
            assertThat(deliveredRowsOf("relay")).as("only the one above the gap").isEqualTo(1);
            assertThat(store.outbox().pending("relay", 10)).extracting(event -> event.data().get(TAG))
                    .containsExactly("c2", "c4");
        }
    }
}
