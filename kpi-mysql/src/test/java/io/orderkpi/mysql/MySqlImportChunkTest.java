package io.orderkpi.mysql;

import static io.orderkpi.testkit.TestEvents.anEvent;
import static io.orderkpi.testkit.TestImports.aChunk;
import static io.orderkpi.testkit.TestImports.anImport;
import static io.orderkpi.testkit.TestOrders.anItem;
import static io.orderkpi.testkit.TestOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.core.imports.ChunkOutcome;
import io.orderkpi.core.imports.ImportChunk;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.TestTags;
import io.orderkpi.testkit.TestImports;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Import chunks and the bulk read, at a realistic size, watched on the wire. */
@Tag(TestTags.LOCATED_SERVER)
class MySqlImportChunkTest {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    @RegisterExtension
    static final TestDatabase DATABASE = new TestDatabase(MYSQL);

    /**
     * Pools whose driver reports every statement it sends ({@link StatementCounter}): one with the
     * required properties only (INSERTs), one that may also load files (LOAD DATA).
     */
    private static HikariDataSource counted;
    private static HikariDataSource countedWithLoadData;

    @BeforeAll
    static void openCountedPools() {
        counted = countedPool(MySqlDataSources.requiredProperties());
        Map<String, String> withLoadData = new HashMap<>(MySqlDataSources.requiredProperties());
        withLoadData.putAll(MySqlDataSources.bulkLoadProperties());
        countedWithLoadData = countedPool(withLoadData);
    }

    private static HikariDataSource countedPool(Map<String, String> properties) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(DATABASE.url() + "&queryInterceptors=" + StatementCounter.class.getName());
        properties.forEach(config::addDataSourceProperty);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        return new HikariDataSource(config);
    }

    @AfterAll
    static void closeCountedPools() {
        counted.close();
        countedWithLoadData.close();
    }

    private static NewOrder numbered(int i, Instant placedAt) {
        List<OrderItem> items = IntStream.rangeClosed(1, 1 + i % 3)
                .mapToObj(line -> anItem("P-" + i + "-" + line, line, line + ".25")).toList();
        return anOrder(String.format(Locale.ROOT, "N-%05d", i)).withItems(items.toArray(OrderItem[]::new))
                .withPlacedAt(placedAt).build();
    }

    /** A chunk of 1,010 rows: 1,000 orders of which every tenth is stored already, and 10 rejected. */
    private record ThousandRows(ImportChunk chunk, List<NewOrder> rows, List<String> existing, ImportRun run) {

        static ThousandRows storedIn(MySqlRecordStore store) {
            Instant placed = Instant.parse("2025-11-16T10:00:00Z");
            List<NewOrder> rows = IntStream.range(0, 1000).mapToObj(i -> numbered(i, placed)).toList();
            List<String> existing = new ArrayList<>();
            for (int i = 0; i < 1000; i += 10) {
                store.orders().insert(rows.get(i), List.of());
                existing.add(rows.get(i).orderNumber());
            }
            ImportRun run = store.imports().create(anImport().build());
            TestImports.ChunkBuilder builder = aChunk(run, 0).withOrders(rows);
            for (int i = 0; i < 10; i++) {
                builder = builder.withRejected("R-" + i, "total_amount: not a number");
            }
            return new ThousandRows(builder.build(), rows, existing, run);
        }
    }

    /** Applies the chunk on {@code store} and returns the statements sent, checking one commit and no rollback. */
    private static List<String> applyWatched(MySqlRecordStore store, RecordingDataSource recording, ImportChunk chunk,
            List<ChunkOutcome> outcome) {
        int commitsBefore = recording.commits.get();
        int rollbacksBefore = recording.rollbacks.get();
        StatementCounter.start();
        outcome.add(store.orders().insertChunk(chunk, order -> List.of(anEvent(order.orderNumber()))));
        List<String> sent = StatementCounter.stop();
        assertThat(recording.commits.get() - commitsBefore).as("commits").isEqualTo(1);
        assertThat(recording.rollbacks.get() - rollbacksBefore).as("rollbacks").isZero();
        // The commit goes alone, or as the end of the outbox append's one multi-statement query.
        assertThat(sent).as("statements sent for 1,000 rows: no round trip per row").hasSizeLessThan(20)
                .filteredOn(sql -> sql.equalsIgnoreCase("commit") || sql.endsWith(";COMMIT")).hasSize(1);
        assertThat(sent).noneMatch(sql -> sql.toLowerCase(Locale.ROOT).startsWith("rollback"));
        assertThat(sent).anyMatch(sql -> sql.contains("INSERT INTO outbox_events"))
                .anyMatch(sql -> sql.startsWith("UPDATE imports"));
        return sent;
    }

    @Test
    void withLoadDataAChunkOfAThousandRowsIsOneTransactionOfTwoLoadsAndAFewStatements() {
        RecordingDataSource recording = new RecordingDataSource(countedWithLoadData);
        try (MySqlRecordStore store = MySqlRecordStore.on(recording, Clock.systemUTC(), SchemaMigration.VALIDATE)) {
            ThousandRows given = ThousandRows.storedIn(store);
            List<ChunkOutcome> outcomes = new ArrayList<>();

            List<String> sent = applyWatched(store, recording, given.chunk(), outcomes);

            assertThat(sent).filteredOn(sql -> sql.startsWith("LOAD DATA LOCAL INFILE"))
                    .satisfiesExactly(orders -> assertThat(orders).contains("INTO TABLE orders "),
                            items -> assertThat(items).contains("INTO TABLE order_items "));
            assertThat(sent).as("no order number looked up, no row inserted one by one")
                    .noneMatch(sql -> sql.startsWith("INSERT INTO order") || sql.contains("order_number IN"));
            assertThatTheThousandRowsAreStored(store, given, outcomes.get(0));
            long items = DATABASE.jdbi().withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM order_items")
                    .mapTo(Long.class).one());
            assertThat(items).isEqualTo(given.rows().stream().mapToLong(order -> order.items().size()).sum());
        }
    }

    @Test
    void withoutLoadDataAChunkOfAThousandRowsIsOneTransactionOfAFewMultiRowStatements() {
        RecordingDataSource recording = new RecordingDataSource(counted);
        try (MySqlRecordStore store = MySqlRecordStore.on(recording, Clock.systemUTC(), SchemaMigration.VALIDATE)) {
            ThousandRows given = ThousandRows.storedIn(store);
            List<ChunkOutcome> outcomes = new ArrayList<>();

            List<String> sent = applyWatched(store, recording, given.chunk(), outcomes);

            assertThat(sent).noneMatch(sql -> sql.startsWith("LOAD DATA"));
            assertThat(sent).anyMatch(sql -> sql.startsWith("INSERT INTO order_items"));
            assertThat(sent.stream().filter(sql -> sql.startsWith("INSERT INTO orders")).count())
                    .as("orders in multi-row statements").isBetween(1L, 2L);
            assertThat(sent).filteredOn(sql -> sql.startsWith("INSERT INTO orders"))
                    .allSatisfy(sql -> assertThat(sql).contains("),("));
            assertThatTheThousandRowsAreStored(store, given, outcomes.get(0));
        }
    }

    private static void assertThatTheThousandRowsAreStored(MySqlRecordStore store, ThousandRows given,
            ChunkOutcome outcome) {
        List<NewOrder> rows = given.rows();
        List<String> existing = given.existing();
        ImportRun run = given.run();
        assertThat(outcome.inserted()).hasSize(900);
        assertThat(outcome.skipped()).as("the existing ones, reported in file order").isEqualTo(existing);
        assertThat(outcome.run()).extracting(ImportRun::counters, ImportRun::chunksApplied)
                .containsExactly(new ImportCounters(1010, 900, 100, 10), 1L);
        assertThat(store.orders().byOrderNumber(rows.get(1).orderNumber()))
                .contains(outcome.inserted().get(0));
        // Every order as stored, items included, is the one the outcome reports, with its id.
        Map<String, Order> stored = new HashMap<>();
        Instant placed = rows.get(0).placedAt();
        store.orders().forEachPlacedBetween(placed, placed.plusSeconds(1), order -> stored.put(order.orderNumber(), order));
        assertThat(stored).hasSize(1000);
        assertThat(outcome.inserted()).allSatisfy(order -> assertThat(stored.get(order.orderNumber())).isEqualTo(order));
        assertThat(store.outbox().pending("audit", 2000)).hasSize(900);
        assertThat(store.imports().rejectedRows(run.importId(), 0, 100)).hasSize(10);
    }

    @Test
    void forEachPlacedBetweenStreamsEveryOrderOnceWithItsItemsInLineOrder() {
        RecordingDataSource recording = new RecordingDataSource(DATABASE.dataSource());
        try (MySqlRecordStore store = MySqlRecordStore.on(recording, Clock.systemUTC(), SchemaMigration.VALIDATE)) {
            Instant day = Instant.parse("2025-11-16T00:00:00Z");
            ImportRun run = store.imports().create(anImport().build());
            Map<String, NewOrder> inDay = new HashMap<>();
            int perChunk = 1000;
            for (int c = 0; c < 5; c++) {
                List<NewOrder> rows = new ArrayList<>();
                for (int i = c * perChunk; i < (c + 1) * perChunk; i++) {
                    // Every fifth order falls on the next day; the rest spread over the day.
                    Instant placed = i % 5 == 0 ? day.plusSeconds(86_400 + i) : day.plusSeconds(i * 17L % 86_400);
                    NewOrder order = numbered(i, placed);
                    rows.add(order);
                    if (i % 5 != 0) {
                        inDay.put(order.orderNumber(), order);
                    }
                }
                TestImports.ChunkBuilder chunk = aChunk(run, c).withOrders(rows);
                store.orders().insertChunk((c == 4 ? chunk.last() : chunk).build(), order -> List.of());
            }
            assertThat(store.imports().get(run.importId())).get().extracting(ImportRun::state)
                    .isEqualTo(ImportState.COMPLETED);

            List<Order> seen = new ArrayList<>();
            store.orders().forEachPlacedBetween(day, day.plusSeconds(86_400), seen::add);

            assertThat(seen).hasSize(inDay.size());
            assertThat(seen).extracting(Order::orderNumber).doesNotHaveDuplicates();
            assertThat(seen).allSatisfy(order -> assertThat(order.items())
                    .isEqualTo(inDay.get(order.orderNumber()).items()));
            assertThat(recording.fetchSizes).as("a forward-only streamed result").contains(Integer.MIN_VALUE);
        }
    }
}
