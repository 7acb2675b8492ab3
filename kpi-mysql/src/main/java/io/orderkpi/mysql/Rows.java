package io.orderkpi.mysql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.imports.CsvLine;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationState;
import io.orderkpi.core.notification.NotificationType;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.refund.Refund;
import io.orderkpi.core.refund.RefundStatus;
import io.orderkpi.core.refund.RefundType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Column lists and row mappers: the one place that knows how a value maps to its columns. */
final class Rows {

    static final String ORDER_COLUMNS = "o.id, o.order_number, o.customer_id, o.customer_name, o.customer_email, "
            + "o.status, o.total_cents, o.currency, o.placed_at, o.reserved_at, o.paid_at, o.failed_at, "
            + "o.failure_reason, o.payment_reference, o.created_at, o.updated_at";

    static final String ITEM_COLUMNS = "i.order_id, i.line_no, i.product_id, i.product_name, i.sku, i.quantity, "
            + "i.unit_price_cents";

    static final String IMPORT_COLUMNS = "import_id, source_name, sha256, state, dry_run, process_orders, chunk_size, "
            + "started_at, rows_read, imported, skipped_existing, rejected, chunks_applied, chunks_total, source, "
            + "error, created_at, updated_at, finished_at, owner, heartbeat_at, header_csv, insertion";

    static final String REFUND_COLUMNS = "refund_key, refund_id, order_id, customer_id, type, amount_cents, reason, "
            + "status, failure_reason, payment_reference, processed_at, created_at, updated_at";

    static final String NOTIFICATION_COLUMNS = "id, order_id, refund_id, customer_id, order_status, total_cents, "
            + "type, channel, state, message, error_message, attempts, sent_at, created_at, updated_at";

    static final String EVENT_COLUMNS = "e.sequence, e.order_id, e.type, e.data, e.recorded_at";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private Rows() {
    }

    static String wire(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String wire) {
        return Enum.valueOf(type, wire.toUpperCase(Locale.ROOT));
    }

    /** An order of {@link #ORDER_COLUMNS} with the given items. */
    static Order order(ResultSet row, List<OrderItem> items) throws SQLException {
        return new Order(row.getLong("id"), row.getString("order_number"), row.getString("customer_id"),
                row.getString("customer_name"), row.getString("customer_email"),
                parse(OrderStatus.class, row.getString("status")), Money.ofCents(row.getLong("total_cents")),
                row.getString("currency"), items, Db.requiredInstant(row, "placed_at"), Db.instant(row, "reserved_at"),
                Db.instant(row, "paid_at"), Db.instant(row, "failed_at"), row.getString("failure_reason"),
                row.getString("payment_reference"), Db.requiredInstant(row, "created_at"),
                Db.requiredInstant(row, "updated_at"));
    }

    static OrderItem item(ResultSet row) throws SQLException {
        return new OrderItem(row.getString("product_id"), row.getString("product_name"), row.getString("sku"),
                row.getInt("quantity"), Money.ofCents(row.getLong("unit_price_cents")));
    }

    static ImportRun importRun(ResultSet row) throws SQLException {
        return new ImportRun(row.getString("import_id"), row.getString("source_name"), row.getString("sha256"),
                parse(ImportState.class, row.getString("state")), row.getBoolean("dry_run"),
                row.getBoolean("process_orders"), row.getInt("chunk_size"), Db.requiredInstant(row, "started_at"),
                new ImportCounters(row.getLong("rows_read"), row.getLong("imported"), row.getLong("skipped_existing"),
                        row.getLong("rejected")),
                row.getLong("chunks_applied"), row.getLong("chunks_total"), row.getString("source"),
                row.getString("error"), Db.requiredInstant(row, "created_at"), Db.requiredInstant(row, "updated_at"),
                Db.instant(row, "finished_at"), row.getString("owner"), Db.instant(row, "heartbeat_at"),
                csvLine(row, "header_csv"));
    }

    /** The fields of a column holding a {@link CsvLine}; none when it is NULL (stored before V5). */
    static List<String> csvLine(ResultSet row, String column) throws SQLException {
        String line = row.getString(column);
        return line == null ? List.of() : CsvLine.split(line);
    }

    static Refund refund(ResultSet row) throws SQLException {
        return new Refund(row.getString("refund_id"), row.getLong("order_id"), row.getString("customer_id"),
                parse(RefundType.class, row.getString("type")), Money.ofCents(row.getLong("amount_cents")),
                row.getString("reason"), parse(RefundStatus.class, row.getString("status")),
                row.getString("failure_reason"), row.getString("payment_reference"), Db.instant(row, "processed_at"),
                Db.requiredInstant(row, "created_at"), Db.requiredInstant(row, "updated_at"));
    }

    static Notification notification(ResultSet row) throws SQLException {
        return new Notification(row.getLong("id"), row.getLong("order_id"), row.getString("refund_id"),
                row.getString("customer_id"), row.getString("order_status"), Money.ofCents(row.getLong("total_cents")),
                parse(NotificationType.class, row.getString("type")), row.getString("channel"),
                parse(NotificationState.class, row.getString("state")), row.getString("message"),
                row.getString("error_message"), row.getInt("attempts"), Db.instant(row, "sent_at"),
                Db.requiredInstant(row, "created_at"), Db.requiredInstant(row, "updated_at"));
    }

    static OutboxEvent event(ResultSet row) throws SQLException {
        return new OutboxEvent(row.getLong("sequence"), row.getLong("order_id"),
                EventType.fromWireName(row.getString("type")), data(row.getString("data")),
                Db.requiredInstant(row, "recorded_at"));
    }

    static String json(Map<String, String> data) {
        try {
            return JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event data cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> data(String json) throws SQLException {
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new SQLException("outbox event data is not a JSON object of strings: " + e.getMessage(), e);
        }
    }
}
