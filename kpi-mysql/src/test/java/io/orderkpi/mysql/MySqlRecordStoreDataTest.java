package io.orderkpi.mysql;

import static io.orderkpi.testkit.TestImports.aChunk;
import static io.orderkpi.testkit.TestImports.anImport;
import static io.orderkpi.testkit.TestOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.notification.NewNotification;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationType;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderChanges;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.refund.RefundRequest;
import io.orderkpi.core.spi.OrderQuery;
import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.TestTags;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the contract cannot see: text and instants exactly as given, whatever the zones. */
@Tag(TestTags.LOCATED_SERVER)
class MySqlRecordStoreDataTest {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, four bytes in UTF-8
    private static final String LAST_CODE_POINT = new String(Character.toChars(0x10FFFF));
    private static final String NASTY = "'; DROP TABLE orders; -- \" \\ \\' \\\\ % _ \\0 `x` \t\u0001 "
            + EMOJI + " é " + LAST_CODE_POINT;

    /** 64 UTF-16 units, the longest refund_id, of four-byte characters. */
    private static final String MAX_REFUND_ID = EMOJI.repeat(RefundRequest.MAX_REFUND_ID / 2);

    @RegisterExtension
    static final TestDatabase DATABASE = new TestDatabase(MYSQL);

    private static MySqlRecordStore store() {
        return DATABASE.store();
    }

    /** {@code text} repeated and cut to exactly {@code codePoints} code points. */
    private static String repeat(String text, int codePoints) {
        StringBuilder built = new StringBuilder();
        while (built.codePointCount(0, built.length()) < codePoints) {
            built.append(text);
        }
        return built.substring(0, built.offsetByCodePoints(0, codePoints));
    }

    @Test
    void storesMetacharactersQuotesBackslashesAndFourByteTextVerbatim() {
        String maxName = repeat(EMOJI, NewOrder.MAX_NAME);
        String maxNumber = repeat(EMOJI, NewOrder.MAX_ORDER_NUMBER - 1) + "'";
        NewOrder nasty = anOrder(maxNumber)
                .withCustomer("c-" + "x".repeat(NewOrder.MAX_CUSTOMER_ID - 2), maxName, NASTY)
                .withItems(new OrderItem(repeat("\\", NewOrder.MAX_PRODUCT_ID), repeat(NASTY, NewOrder.MAX_PRODUCT_NAME),
                        repeat("%", NewOrder.MAX_SKU), 1, Money.parse("1.00")))
                .build();
        try (RecordStore store = store()) {
            Order stored = store.orders().insert(nasty, List.of(NewEvent.of(EventType.ORDER_PROCESS_STARTED,
                    Map.of("reason", NASTY, NASTY, maxName))));
            Order failed = store.orders().transition(stored.id(), OrderStatus.PENDING, OrderStatus.CANCELLED,
                    OrderChanges.none().failed(Instant.parse("2025-11-16T10:00:00Z"), NASTY).paymentReference(NASTY),
                    List.of()).orElseThrow();

            assertThat(maxName.codePointCount(0, maxName.length())).isEqualTo(255);
            assertThat(store.orders().byOrderNumber(maxNumber)).contains(failed);
            assertThat(store.orders().get(stored.id())).get().satisfies(order -> {
                assertThat(order.orderNumber()).isEqualTo(maxNumber);
                assertThat(order.customerName()).isEqualTo(maxName);
                assertThat(order.customerEmail()).isEqualTo(NASTY);
                assertThat(order.failureReason()).isEqualTo(NASTY);
                assertThat(order.paymentReference()).isEqualTo(NASTY);
                assertThat(order.items()).isEqualTo(nasty.items());
            });
            assertThat(store.orders().list(OrderQuery.firstPage(5).withCustomerId(nasty.customerId())).items())
                    .extracting(Order::orderNumber).containsExactly(maxNumber);
            assertThat(store.orders().byOrderNumber(maxNumber.substring(0, maxNumber.length() - 1))).isEmpty();
            assertThat(store.orders().existingOrderNumbers(List.of(maxNumber, "%", "_", "'"))).containsExactly(maxNumber);
            assertThat(store.outbox().eventsOf(stored.id())).singleElement()
                    .satisfies(event -> assertThat(event.data()).containsEntry("reason", NASTY)
                            .containsEntry(NASTY, maxName));
        }
    }

    /**
     * Every character LOAD DATA's text format gives a meaning (tab, line feed, carriage return,
     * backslash, NUL, its escape sequences and its NULL marker) and every other control character,
     * at the edges of each field, through an import chunk: with LOAD DATA and with INSERTs.
     */
    @ParameterizedTest(name = "load data: {0}")
    @ValueSource(booleans = {true, false})
    void storesEveryCharacterVerbatimThroughAnImportChunk(boolean loadData) {
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        controls.append('\u007f');
        List<String> texts = List.of("\\N", "\\", "\\\\N", "\\t", "\\0", "NULL", "\t", "\n", "\r\n", "\0",
                "a\\", "\\a", " ", "\t\\N\n", controls.toString(), NASTY, EMOJI + "\\" + EMOJI);
        List<NewOrder> orders = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            orders.add(anOrder(text.length() > 1 ? text : "n" + text + i)
                    .withCustomer("c" + i + text, text, text + "@example.com")
                    .withItems(new OrderItem(text + i, text, text, 1, Money.parse("1.00")),
                            new OrderItem("p" + i, "second " + text, "s" + text, 2, Money.parse("0.01")))
                    .build());
        }
        Map<String, String> properties = new HashMap<>(MySqlDataSources.requiredProperties());
        if (loadData) {
            properties.putAll(MySqlDataSources.bulkLoadProperties());
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(DATABASE.url());
        properties.forEach(config::addDataSourceProperty);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        try (HikariDataSource pool = new HikariDataSource(config);
                RecordStore store = MySqlRecordStore.on(pool, Clock.systemUTC(), SchemaMigration.VALIDATE)) {
            ImportRun run = store.imports().create(anImport().build());
            var outcome = store.orders().insertChunk(aChunk(run, 0).withOrders(orders).last().build(),
                    order -> List.of());

            assertThat(outcome.skipped()).isEmpty();
            assertThat(outcome.inserted()).hasSize(orders.size());
            for (Order inserted : outcome.inserted()) {
                assertThat(store.orders().byOrderNumber(inserted.orderNumber())).contains(inserted);
            }
            assertThat(outcome.inserted()).extracting(Order::orderNumber)
                    .containsExactlyElementsOf(orders.stream().map(NewOrder::orderNumber).toList());
            assertThat(outcome.inserted()).extracting(Order::customerName).containsExactlyElementsOf(texts);
            assertThat(outcome.inserted()).extracting(order -> order.items().get(0).productName())
                    .containsExactlyElementsOf(texts);
        }
    }

    @Test
    void orderNumbersDifferingOnlyInTrailingSpaceOrCaseAreDifferentOrders() {
        try (RecordStore store = store()) {
            Order plain = store.orders().insert(anOrder("A-1").build(), List.of());
            Order spaced = store.orders().insert(anOrder("A-1 ").build(), List.of());
            Order lower = store.orders().insert(anOrder("a-1").build(), List.of());

            assertThat(List.of(plain.id(), spaced.id(), lower.id())).doesNotHaveDuplicates();
            assertThat(store.orders().byOrderNumber("A-1 ")).contains(spaced);
            assertThat(store.orders().byOrderNumber("A-1")).contains(plain);
        }
    }

    @Test
    void storesRefundNotificationAndRejectedRowTextVerbatim() {
        try (RecordStore store = store()) {
            Order order = store.orders().insert(anOrder().withStatus(OrderStatus.COMPLETED).build(), List.of());
            var refund = store.refunds().begin(RefundRequest.partial(order.id(),
                    Money.parse("1.00")).withReason(NASTY).withRefundId(MAX_REFUND_ID)).refund();
            Notification notification = store.notifications().createIfAbsent(new NewNotification(order.id(),
                    refund.refundId(), order.customerId(), "completed", order.totalAmount(),
                    NotificationType.REFUND_PROCESSED, "email", NASTY)).notification();
            store.notifications().recordAttempt(notification.id(), false, NASTY, Instant.parse("2025-11-16T10:00:00Z"));
            ImportRun run = store.imports().create(anImport().withSource(NASTY).build());
            store.orders().insertChunk(aChunk(run, 0).withRejected(NASTY, NASTY).last().build(), order1 -> List.of());

            assertThat(store.refunds().get(MAX_REFUND_ID)).get().extracting(r -> r.reason()).isEqualTo(NASTY);
            assertThat(store.notifications().get(notification.id())).get().satisfies(stored -> {
                assertThat(stored.message()).isEqualTo(NASTY);
                assertThat(stored.errorMessage()).isEqualTo(NASTY);
                assertThat(stored.refundId()).isEqualTo(MAX_REFUND_ID);
            });
            assertThat(store.imports().get(run.importId())).get().extracting(ImportRun::source).isEqualTo(NASTY);
            assertThat(store.imports().rejectedRows(run.importId(), 0, 10)).extracting(RejectedRow::orderNumber,
                    RejectedRow::reason).containsExactly(tuple(NASTY, NASTY));
        }
    }

    @Test
    void instantsRoundTripWithMicrosecondsWhateverTheSessionAndJvmTimeZones() {
        // 02:30 local time does not exist in Berlin on 2025-03-30: a conversion through the JVM's
        // zone (java.sql.Timestamp) would shift it by an hour.
        Instant placed = Instant.parse("2025-03-30T02:30:00.123456789Z");
        Instant micros = Instant.parse("2025-03-30T02:30:00.123456Z");
        TimeZone jvmZone = TimeZone.getDefault();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(DATABASE.url());
        MySqlDataSources.requiredProperties().forEach(config::addDataSourceProperty);
        config.setConnectionInitSql("SET time_zone = '+09:00'");
        HikariDataSource farEast = new HikariDataSource(config);
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        Order stored;
        try (RecordStore store = MySqlRecordStore.on(farEast, Clock.fixed(placed, ZoneOffset.UTC),
                SchemaMigration.VALIDATE)) {
            stored = store.orders().insert(anOrder().withPlacedAt(placed).build(), List.of());

            assertThat(stored.placedAt()).isEqualTo(micros);
            assertThat(stored.createdAt()).isEqualTo(micros);
            assertThat(store.orders().get(stored.id())).contains(stored);
        } finally {
            TimeZone.setDefault(jvmZone);
            farEast.close();
        }
        try (RecordStore store = store()) {
            assertThat(store.orders().get(stored.id())).contains(stored);
            List<Order> inRange = new ArrayList<>();
            store.orders().forEachPlacedBetween(micros, micros.plusNanos(1_000), inRange::add);
            assertThat(inRange).extracting(Order::id).containsExactly(stored.id());
            List<Order> after = new ArrayList<>();
            store.orders().forEachPlacedBetween(micros.plusNanos(1_000), micros.plusSeconds(1), after::add);
            assertThat(after).isEmpty();
        }
        String raw = DATABASE.jdbi().withHandle(handle -> handle.createQuery(
                "SELECT CAST(placed_at AS CHAR) FROM orders WHERE id = :id").bind("id", stored.id())
                .mapTo(String.class).one());
        assertThat(raw).as("stored as UTC").isEqualTo("2025-03-30 02:30:00.123456");
    }
}
