package io.orderkpi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The system of record read back over JDBC as the oracle of the crash and outage tests: what the
 * tables keep of each order's run through the workflow, whatever the processes did. The simulated
 * payment gateway lives inside each server, so "charged once" is checked through what the records
 * keep of each charge.
 */
public final class RecordsOracle {

    /** The final order statuses. */
    public static final List<String> FINAL = List.of("completed", "cancelled", "refunded", "partially_refunded");

    /** Of an outbox event {@code e}: its order went through the workflow. */
    public static final String STARTED = "EXISTS (SELECT 1 FROM outbox_events s WHERE s.order_id = e.order_id"
            + " AND s.type = 'OrderProcessStarted')";

    private RecordsOracle() {
    }

    /**
     * What the records keep of every order's run through the workflow: started once, finished
     * once with one final event per order, completed ones with their payment reference, charged
     * once, notified once on the log channel.
     */
    public static void assertEachOrderDoneOnce(String database, long orders) throws SQLException {
        // The workflow moves an order out of pending with a compare-and-set that writes the event,
        // so even a step resumed by another process cannot write it twice.
        assertThat(rows(database, "SELECT order_id, COUNT(*) FROM outbox_events WHERE type = 'OrderProcessStarted'"
                + " GROUP BY order_id HAVING COUNT(*) > 1")).as("orders started twice").isEmpty();
        assertThat(rows(database, "SELECT order_id, type, COUNT(*) FROM outbox_events"
                + " WHERE type IN ('OrderCompleted', 'OrderFailed') GROUP BY order_id, type HAVING COUNT(*) > 1"))
                .as("orders finished twice").isEmpty();
        assertThat(rows(database, "SELECT order_id FROM outbox_events WHERE type IN ('OrderCompleted', 'OrderFailed')"
                + " GROUP BY order_id HAVING COUNT(DISTINCT type) > 1")).as("orders both completed and cancelled")
                .isEmpty();
        long processed = count(database, "SELECT COUNT(DISTINCT order_id) FROM outbox_events"
                + " WHERE type = 'OrderProcessStarted'");
        // Imported orders in a final status carry their final event too (SPEC §3), without a run
        // through the workflow: those are told apart by the absence of OrderProcessStarted.
        long finished = count(database, "SELECT COUNT(*) FROM outbox_events e WHERE e.type IN ('OrderCompleted',"
                + " 'OrderFailed') AND " + STARTED);
        assertThat(processed).as("orders that went through the workflow").isPositive();
        assertThat(finished).as("every started order finished").isEqualTo(processed);
        assertThat(count(database, "SELECT COUNT(*) FROM outbox_events WHERE type IN ('OrderCompleted',"
                + " 'OrderFailed')")).as("one final event per order").isEqualTo(orders);
        assertThat(rows(database, "SELECT o.id FROM orders o JOIN outbox_events e ON e.order_id = o.id"
                + " WHERE e.type = 'OrderCompleted' AND " + STARTED + " AND (o.status <> 'completed'"
                + " OR o.payment_reference IS NULL)"))
                .as("workflow-completed orders without their status or payment reference").isEmpty();
        assertThat(rows(database, "SELECT o.id FROM orders o JOIN outbox_events e ON e.order_id = o.id"
                + " WHERE e.type = 'OrderFailed' AND o.status <> 'cancelled'")).as("cancelled orders").isEmpty();
        // One charge per order: the gateway's reference is unique to a charge, so a second charge
        // would show as a second reference somewhere, or as two orders sharing one.
        assertThat(rows(database, "SELECT payment_reference FROM orders WHERE payment_reference IS NOT NULL"
                + " GROUP BY payment_reference HAVING COUNT(*) > 1")).as("shared payment references").isEmpty();
        assertThat(rows(database, "SELECT order_id, COUNT(*) FROM outbox_events WHERE type = 'PaymentProcessed'"
                + " GROUP BY order_id HAVING COUNT(*) > 1")).as("orders charged twice").isEmpty();
        // One notification per order and channel (the log channel is the only one configured). They
        // follow an order's final event through the relay and a job, so the last orders' may still be
        // on their way when every order is final: awaited, then counted exactly.
        await("every finished order notified").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(rows(database, "SELECT e.order_id FROM outbox_events e WHERE e.type IN"
                        + " ('OrderCompleted', 'OrderFailed') AND NOT EXISTS (SELECT 1 FROM notifications n"
                        + " WHERE n.order_id = e.order_id AND n.channel = 'log') AND " + STARTED))
                        .as("finished orders without a notification").isEmpty());
        assertThat(rows(database, "SELECT order_id, channel, COUNT(*) FROM notifications"
                + " GROUP BY order_id, channel HAVING COUNT(*) > 1")).as("duplicate notifications").isEmpty();
        assertThat(count(database, "SELECT COUNT(*) FROM notifications")).as("notifications").isEqualTo(processed);
    }

    public static String in(List<String> values) {
        return values.stream().map(value -> "'" + value + "'").collect(Collectors.joining(", ", "(", ")"));
    }

    public static long countWhere(String database, String condition) throws SQLException {
        return count(database, "SELECT COUNT(*) FROM orders WHERE " + condition);
    }

    public static long count(String database, String sql) throws SQLException {
        return Long.parseLong(rows(database, sql).get(0));
    }

    /** Every row of {@code sql}, its columns joined with a tab, for readable failure messages. */
    public static List<String> rows(String database, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            List<String> rows = new ArrayList<>();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= columns; c++) {
                    row.append(c > 1 ? "\t" : "").append(result.getString(c));
                }
                rows.add(row.toString());
            }
            return rows;
        }
    }
}
