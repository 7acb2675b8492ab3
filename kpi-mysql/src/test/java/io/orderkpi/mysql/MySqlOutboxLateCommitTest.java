package io.orderkpi.mysql;

import static io.orderkpi.testkit.TestEvents.TAG;
import static io.orderkpi.testkit.TestEvents.anEvent;
import static io.orderkpi.testkit.TestOrders.aNewOrder;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.spi.OutboxPosition;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.TestTags;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sequences become visible in order: a transaction that took a sequence and has not committed yet
 * holds the counter row, so a later transaction takes a higher sequence only after that commit,
 * and a position read meanwhile is never passed by the one in flight.
 */
@Tag(TestTags.LOCATED_SERVER)
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

    /** Stops the next append's transaction after it took its sequence and before it commits. */
    private interface Stall extends AutoCloseable {
        /** Waits until the transaction stands still holding its sequence. */
        void awaitStalled() throws Exception;

        void release() throws Exception;

        @Override
        default void close() throws Exception {
            release();
        }
    }

    /**
     * On a pool that allows multi-statement queries the append, its inserts and the commit are one
     * query: it is stalled inside the server, by an uncommitted row of another session holding the
     * sequence the append takes, so its insert waits on that row's lock with the counter row held.
     */
    @Test
    void anAppendStalledInsideItsOneQueryHoldsBackLaterSequences() throws Exception {
        try (MySqlRecordStore slow = DATABASE.store()) {
            sequencesBecomeVisibleInOrder(slow, () -> {
                Connection blocker = DATABASE.dataSource().getConnection();
                blocker.setAutoCommit(false);
                try (Statement statement = blocker.createStatement()) {
                    statement.executeUpdate("INSERT INTO outbox_events (sequence, order_id, type, data, recorded_at) "
                            + "SELECT last_sequence + 1, 0, 'blocker', '{}', NOW(6) FROM outbox_sequence WHERE id = 1");
                }
                return new Stall() {
                    @Override
                    public void awaitStalled() {
                        await().atMost(Duration.ofSeconds(30)).until(() -> lockWaits() == 1);
                    }

                    @Override
                    public void release() throws SQLException {
                        if (!blocker.isClosed()) {
                            blocker.rollback();
                            blocker.close();
                        }
                    }
                };
            });
        }
    }

    /**
     * On a data source without multi-statement queries (a pool of the caller's) the commit is a
     * call of its own: stalled there, with the counter row held.
     */
    @Test
    void anAppendStalledBeforeItsSeparateCommitHoldsBackLaterSequences() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(DATABASE.url());
        MySqlDataSources.requiredProperties().forEach(config::addDataSourceProperty);
        config.addDataSourceProperty("allowMultiQueries", "false");
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        try (HikariDataSource single = new HikariDataSource(config)) {
            RecordingDataSource slowSide = new RecordingDataSource(single);
            try (MySqlRecordStore slow = MySqlRecordStore.on(slowSide, Clock.systemUTC(), SchemaMigration.VALIDATE)) {
                sequencesBecomeVisibleInOrder(slow, () -> {
                    RecordingDataSource.HeldCommit held = slowSide.holdNextCommit();
                    return new Stall() {
                        @Override
                        public void awaitStalled() throws InterruptedException {
                            assertThat(held.arrived.await(30, SECONDS)).as("the first transaction reached its commit")
                                    .isTrue();
                        }

                        @Override
                        public void release() {
                            held.release();
                        }
                    };
                });
            }
        }
    }

    /** Transactions on this test's database waiting for a lock. */
    private static long lockWaits() {
        return DATABASE.jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM information_schema.INNODB_TRX t "
                + "JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id "
                + "WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()").mapTo(Long.class).one());
    }

    @FunctionalInterface
    private interface StallFactory {
        Stall next() throws Exception;
    }

    private static void sequencesBecomeVisibleInOrder(MySqlRecordStore slow, StallFactory stalls) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (MySqlRecordStore store = DATABASE.store()) {
            Order early = store.orders().insert(aNewOrder("EARLY-1"), List.of());
            Order late = store.orders().insert(aNewOrder("LATE-1"), List.of());
            OutboxPosition before = store.outbox().position();

            CompletableFuture<Optional<Order>> first;
            CompletableFuture<Optional<Order>> second;
            try (Stall stall = stalls.next()) {
                // The first transaction takes its sequence, then stands still before its commit.
                first = CompletableFuture.supplyAsync(() -> slow.orders().transition(
                        early.id(), OrderStatus.PENDING, OrderStatus.RESERVING_STOCK, OrderChanges.none(),
                        List.of(anEvent(EventType.ORDER_PROCESS_STARTED, "early"))), threads);
                stall.awaitStalled();

                // The second waits for the counter row the first holds.
                second = CompletableFuture.supplyAsync(() -> store.orders().transition(
                        late.id(), OrderStatus.PENDING, OrderStatus.CANCELLED, OrderChanges.none(),
                        List.of(anEvent(EventType.ORDER_FAILED, "late"))), threads);
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !second.isDone());
                assertThat(store.outbox().pending("relay", 10)).isEmpty();
                assertThat(store.outbox().position()).as("nothing in flight is visible").isEqualTo(before);
            }
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
