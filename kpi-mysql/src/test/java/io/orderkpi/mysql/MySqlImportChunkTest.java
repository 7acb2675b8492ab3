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

    /** A pool whose driver reports every statement it sends ({@link StatementCounter}). */
    private static HikariDataSource counted;

    @BeforeAll
    static void openCountedPool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(DATABASE.url() + "&queryInterceptors=" + StatementCounter.class.getName());
        MySqlDataSources.requiredProperties().forEach(config::addDataSourceProperty);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        counted = new HikariDataSource(config);
    }

    @AfterAll
    static void closeCountedPool() {
        counted.close();
    }

    private static NewOrder numbered(int i, Instant placedAt) {
        List<OrderItem> items = IntStream.rangeClosed(1, 1 + i % 3)
                .mapToObj(line -> anItem("P-" + i + "-" + line, line, line + ".25")).toList();
        return anOrder(String.format(Locale.ROOT, "N-%05d", i)).withItems(items.toArray(OrderItem[]::new))
                .withPlacedAt(placedAt).build();
    }

    @Test
    void aChunkOfAThousandRowsIsOneTransactionOfAFewMultiRowStatements() {
        RecordingDataSource recording = new RecordingDataSource(counted);
        try (MySqlRecordStore store = MySqlRecordStore.on(recording, Clock.systemUTC(), SchemaMigration.VALIDATE)) {
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
            ImportChunk chunk = builder.build();
            int commitsBefore = recording.commits.get();
            int rollbacksBefore = recording.rollbacks.get();

            StatementCounter.start();
            ChunkOutcome outcome = store.orders().insertChunk(chunk, order -> List.of(anEvent(order.orderNumber())));
            List<String> sent = StatementCounter.stop();

            assertThat(recording.commits.get() - commitsBefore).as("commits").isEqualTo(1);
            assertThat(recording.rollbacks.get() - rollbacksBefore).as("rollbacks").isZero();
            // The commit goes alone, or as the end of the outbox append's one multi-statement query.
            assertThat(sent).as("statements sent for 1,000 rows: no round trip per row").hasSizeLessThan(20)
                    .filteredOn(sql -> sql.equalsIgnoreCase("commit") || sql.endsWith(";COMMIT")).hasSize(1);
            assertThat(sent).noneMatch(sql -> sql.toLowerCase(Locale.ROOT).startsWith("rollback"));
            assertThat(sent).anyMatch(sql -> sql.startsWith("INSERT INTO order_items"))
                    .anyMatch(sql -> sql.contains("INSERT INTO outbox_events"))
                    .anyMatch(sql -> sql.startsWith("UPDATE imports"));
            assertThat(sent.stream().filter(sql -> sql.startsWith("INSERT INTO orders")).count())
                    .as("orders in multi-row statements").isBetween(1L, 2L);
            assertThat(sent).filteredOn(sql -> sql.startsWith("INSERT INTO orders"))
                    .allSatisfy(sql -> assertThat(sql).contains("),("));
            assertThat(outcome.inserted()).hasSize(900);
            assertThat(outcome.skipped()).as("the existing ones, reported in file order").isEqualTo(existing);
            assertThat(outcome.run()).extracting(ImportRun::counters, ImportRun::chunksApplied)
                    .containsExactly(new ImportCounters(1010, 900, 100, 10), 1L);
            assertThat(store.orders().byOrderNumber(rows.get(1).orderNumber()))
                    .contains(outcome.inserted().get(0));
            assertThat(store.outbox().pending("audit", 2000)).hasSize(900);
            assertThat(store.imports().rejectedRows(run.importId(), 0, 100)).hasSize(10);
        }
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
