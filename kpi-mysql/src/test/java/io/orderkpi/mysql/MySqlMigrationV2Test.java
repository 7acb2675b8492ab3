package io.orderkpi.mysql;

import static io.orderkpi.testkit.TestEvents.TAG;
import static io.orderkpi.testkit.TestEvents.anEvent;
import static io.orderkpi.testkit.TestOrders.aNewOrder;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.core.event.DeadLetter;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.spi.OutboxPosition;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.TestTags;
import java.time.Clock;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A database written under the V1 schema (AUTO_INCREMENT sequences, dead letters counted
 * delivered) migrated to the current one: new sequences continue above every old one, and an old
 * dead letter becomes one of the new kind (with its order and an id, holding its order back,
 * pending again once redelivered).
 */
@Tag(TestTags.LOCATED_SERVER)
class MySqlMigrationV2Test {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    @Test
    void aV1DatabaseWithEventsAndADeadLetterMigratesAndGoesOn() {
        try (HikariDataSource pool = MySqlDataSources.pool(MYSQL.newDatabase(), MYSQL.user(), MYSQL.password())) {
            Flyway.configure().dataSource(pool).locations("classpath:io/orderkpi/mysql/migration").target("1")
                    .load().migrate();
            Jdbi jdbi = Jdbi.create(pool);
            // What V1 code left: three events of two orders (sequence 2 rolled back, a gap), the
            // first delivered under the checkpoint, the fourth dead-lettered and so listed delivered.
            jdbi.useHandle(handle -> {
                handle.execute("INSERT INTO outbox_events (sequence, order_id, type, data, recorded_at) VALUES "
                        + "(1, 100, 'OrderProcessStarted', '{\"test_tag\":\"a1\"}', '2026-01-05 09:00:00'), "
                        + "(3, 200, 'OrderProcessStarted', '{\"test_tag\":\"b1\"}', '2026-01-05 09:00:01'), "
                        + "(4, 100, 'StockReserved', '{\"test_tag\":\"a2\"}', '2026-01-05 09:00:02'), "
                        + "(5, 100, 'StockReserved', '{\"test_tag\":\"a3\"}', '2026-01-05 09:00:03')");
                handle.execute("INSERT INTO outbox_checkpoints (subscriber, delivered_upto) VALUES ('analytics', 1)");
                handle.execute("INSERT INTO outbox_delivered (subscriber, sequence) VALUES ('analytics', 4)");
                handle.execute("INSERT INTO outbox_dead_letters (subscriber, sequence, error, dead_at) "
                        + "VALUES ('analytics', 4, 'boom', '2026-01-05 09:01:00')");
            });

            try (MySqlRecordStore store = MySqlRecordStore.on(pool, Clock.systemUTC(), SchemaMigration.AUTO)) {
                assertThat(store.outbox().position()).isEqualTo(new OutboxPosition(5));
                assertThat(store.outbox().subscribers()).containsExactly("analytics");
                List<DeadLetter> letters = store.outbox().deadLetters("analytics", Long.MAX_VALUE, 10).items();
                assertThat(letters).singleElement().satisfies(letter -> {
                    assertThat(letter.id()).isPositive();
                    assertThat(letter.event().sequence()).isEqualTo(4);
                    assertThat(letter.event().orderId()).isEqualTo(100);
                    assertThat(letter.error()).isEqualTo("boom");
                });
                assertThat(tags(store.outbox().pending("analytics", 10))).as("a3 waits behind the dead a2")
                        .containsExactly("b1");

                Order c = store.orders().insert(aNewOrder("C-1"), List.of(anEvent("c1")));
                List<OutboxEvent> ofC = store.outbox().eventsOf(c.id());
                assertThat(ofC).singleElement().satisfies(event -> assertThat(event.sequence()).isEqualTo(6));

                assertThat(store.outbox().redeliver("analytics", 4)).isTrue();
                assertThat(tags(store.outbox().pending("analytics", 10))).containsExactly("b1", "a2", "a3", "c1");
            }
        }
    }

    private static List<String> tags(List<OutboxEvent> events) {
        return events.stream().map(event -> event.data().get(TAG)).toList();
    }
}
