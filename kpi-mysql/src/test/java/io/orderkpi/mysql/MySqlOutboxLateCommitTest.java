package io.orderkpi.mysql;

import static io.orderkpi.testkit.TestEvents.TAG;
import static io.orderkpi.testkit.TestEvents.anEvent;
import static io.orderkpi.testkit.TestOrders.aNewOrder;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.testkit.MySqlServerExtension;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * AUTO_INCREMENT sequences commit out of order: a transaction that took sequence 1 can commit
 * after one that took sequence 2 and was delivered already. The outbox must deliver it anyway and
 * its checkpoint must not pass it while it is in flight.
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
    void anEventCommittedAfterALaterDeliveredSequenceIsStillDeliveredAndNeverPassedByTheCheckpoint()
            throws Exception {
        RecordingDataSource slowSide = new RecordingDataSource(DATABASE.dataSource());
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (MySqlRecordStore slow = MySqlRecordStore.on(slowSide, Clock.systemUTC(), SchemaMigration.VALIDATE);
                MySqlRecordStore store = DATABASE.store()) {
            Order early = store.orders().insert(aNewOrder("EARLY-1"), List.of());
            Order late = store.orders().insert(aNewOrder("LATE-1"), List.of());

            // The first transaction takes its sequence, then stalls before its commit.
            RecordingDataSource.HeldCommit held = slowSide.holdNextCommit();
            CompletableFuture<Optional<Order>> first = CompletableFuture.supplyAsync(() -> slow.orders().transition(
                    early.id(), OrderStatus.PENDING, OrderStatus.RESERVING_STOCK, OrderChanges.none(),
                    List.of(anEvent(EventType.ORDER_PROCESS_STARTED, "early"))), thread);
            assertThat(held.arrived.await(30, SECONDS)).as("the first transaction reached its commit").isTrue();

            // The second takes a higher sequence and commits first; the relay delivers it.
            store.orders().transition(late.id(), OrderStatus.PENDING, OrderStatus.CANCELLED, OrderChanges.none(),
                    List.of(anEvent(EventType.ORDER_FAILED, "late")));
            List<OutboxEvent> visible = store.outbox().pending("relay", 10);
            assertThat(visible).extracting(event -> event.data().get(TAG)).containsExactly("late");
            store.outbox().markDelivered("relay", List.of(visible.get(0).sequence()));
            long lateSequence = visible.get(0).sequence();

            assertThat(store.outbox().pending("relay", 10)).isEmpty();
            assertThat(checkpointOf("relay")).as("the checkpoint stops below the sequence in flight")
                    .isLessThan(lateSequence - 1);

            held.release();
            assertThat(first.get(30, SECONDS)).isPresent();

            List<OutboxEvent> afterCommit = store.outbox().pending("relay", 10);
            assertThat(afterCommit).extracting(event -> event.data().get(TAG)).containsExactly("early");
            assertThat(afterCommit.get(0).sequence()).isLessThan(lateSequence);
            assertThat(store.outbox().pending("other", 10)).extracting(event -> event.data().get(TAG))
                    .containsExactly("early", "late");

            store.outbox().markDelivered("relay", List.of(afterCommit.get(0).sequence()));
            assertThat(store.outbox().pending("relay", 10)).isEmpty();
            assertThat(checkpointOf("relay")).as("settled now: the checkpoint covers both").isEqualTo(lateSequence);
            assertThat(deliveredRowsOf("relay")).as("bookkeeping below the checkpoint is dropped").isZero();
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void theCheckpointFollowsContiguousDeliveriesSoBookkeepingStaysSmall() {
        try (MySqlRecordStore store = DATABASE.store()) {
            for (int i = 0; i < 5; i++) {
                store.orders().insert(aNewOrder("C-" + i), List.of(anEvent("c" + i)));
            }
            List<OutboxEvent> all = store.outbox().pending("relay", 10);

            store.outbox().markDelivered("relay", List.of(all.get(0).sequence(), all.get(1).sequence(),
                    all.get(3).sequence()));

            assertThat(checkpointOf("relay")).isEqualTo(all.get(1).sequence());
            assertThat(deliveredRowsOf("relay")).as("only the one above the gap").isEqualTo(1);
            assertThat(store.outbox().pending("relay", 10)).extracting(event -> event.data().get(TAG))
                    .containsExactly("c2", "c4");
        }
    }
}
