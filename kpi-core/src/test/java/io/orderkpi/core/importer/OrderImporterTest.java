package io.orderkpi.core.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.event.EventData;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.imports.ChunkOutcome;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderStatus;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrderImporterTest {

    static final String HEADER = "order_number,customer_id,customer_name,customer_email,status,total_amount,currency,"
            + "placed_at,item1_product_id,item1_product_name,item1_sku,item1_quantity,item1_unit_price\n";

    @TempDir
    Path dir;

    ImportFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ImportFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    static String row(String number, String customer) {
        return number + "," + customer + ",Ann,ann@example.com,pending,10.00,USD,2025-11-15T10:00:00Z,P1,Pen,SKU1,1,10.00\n";
    }

    /**
     * A file with every kind of record the chunker must keep apart: valid rows, rejected rows,
     * a multi-line quoted record, blank lines, an in-file repeat.
     */
    static final String MIXED = HEADER
            + row("A-1", "c1")
            + "A-2,c2,\"Line\nbreak, \"\"quoted\"\"\",b@example.com,pending,20.00,USD,2025-11-15,P2,Mug,S2,2,10.00\n"
            + "\n"
            + "A-3,c3,Cy,c@example.com,pending,-1,USD,,P3,Cup,S3,1,1.00\n"
            + row("A-4", "c4")
            + row("A-1", "c9")
            + "\n\n"
            + "A-5,c5,Di,d@example.com,pending,5.00,EUR,,P5,Hat,S5,1,5.00\n"
            + row("A-6", "c6")
            + row("A-7", "c7");

    @ParameterizedTest(name = "chunk size {0}")
    @ValueSource(ints = {1, 2, 3, 4, 7, 8, 9, 1000})
    void losesAndDoublesNoRowAtAnyChunkSize(int chunkSize) throws Exception {
        Path file = fixture.write("mixed.csv", MIXED);

        ImportRun run = fixture.importAndWait(file, ImportOptions.named("mixed.csv").withChunkSize(chunkSize));

        assertThat(run.state()).isEqualTo(ImportState.COMPLETED);
        assertThat(fixture.storedNumbers()).containsExactly("A-1", "A-2", "A-4", "A-6", "A-7");
        assertThat(run.counters()).isEqualTo(new ImportCounters(8, 5, 1, 2));
        assertThat(run.chunksApplied()).isEqualTo((8 + chunkSize - 1) / chunkSize);
        List<RejectedRow> rejected = fixture.records.imports().rejectedRows(run.importId(), 0, 100);
        assertThat(rejected).extracting(RejectedRow::line).containsExactly(6L, 11L);
        assertThat(rejected).extracting(RejectedRow::orderNumber).containsExactly("A-3", "A-5");
        assertThat(rejected.get(0).reason()).startsWith("total_amount");
        assertThat(rejected.get(1).reason()).startsWith("currency");
        Order first = fixture.records.orders().byOrderNumber("A-1").orElseThrow();
        assertThat(first.customerId()).isEqualTo("c1");
        Order quoted = fixture.records.orders().byOrderNumber("A-2").orElseThrow();
        assertThat(quoted.customerName()).isEqualTo("Line\nbreak, \"quoted\"");
        assertThat(quoted.placedAt()).isEqualTo(Instant.parse("2025-11-15T00:00:00Z"));
    }

    @Test
    void countsRowsRejectedAndSkippedSoThatTheyAddUp() throws Exception {
        ImportRun run = fixture.importAndWait(fixture.write("mixed.csv", MIXED), ImportOptions.named("mixed.csv"));

        ImportCounters c = run.counters();
        assertThat(c.rowsRead()).isEqualTo(c.imported() + c.skippedExisting() + c.rejected());
        assertThat(c.rejected()).isEqualTo(2);
    }

    @Test
    void givesRowsWithoutPlacedAtTheInstantTheImportStarted() throws Exception {
        String header = "order_number,customer_id,total_amount,item1_product_id,item1_quantity,item1_unit_price\n";
        Path file = fixture.write("minimal.csv", header + "M-1,c1,3.50,P1,1,3.50\n");

        ImportRun run = fixture.importAndWait(file, ImportOptions.named("minimal.csv"));

        Order order = fixture.records.orders().byOrderNumber("M-1").orElseThrow();
        assertThat(order.placedAt()).isEqualTo(run.startedAt()).isEqualTo(ImportFixture.NOW);
        assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(order.currency()).isEqualTo("USD");
        assertThat(order.totalAmount()).isEqualTo(Money.parse("3.50"));
    }

    @Test
    void answersTheSameFileWithTheEarlierImportAndStoresNothingNew() throws Exception {
        Path file = fixture.write("mixed.csv", MIXED);
        ImportRun first = fixture.importAndWait(file, ImportOptions.named("mixed.csv"));

        ImportSubmission again = fixture.importer.submit(file, ImportOptions.named("copy.csv"));

        assertThat(again.alreadyImported()).isTrue();
        assertThat(again.run().importId()).isEqualTo(first.importId());
        assertThat(again.run().counters()).isEqualTo(first.counters());
        assertThat(fixture.records.imports().recent(10)).hasSize(1);
        assertThat(fixture.storedNumbers()).hasSize(5);
    }

    @Test
    void forceRunsTheSameFileAgainAndSkipsEveryExistingOrder() throws Exception {
        Path file = fixture.write("mixed.csv", MIXED);
        ImportRun first = fixture.importAndWait(file, ImportOptions.named("mixed.csv"));

        ImportRun second = fixture.importAndWait(file, ImportOptions.named("mixed.csv").withForce(true));

        assertThat(second.importId()).isNotEqualTo(first.importId());
        assertThat(second.counters()).isEqualTo(new ImportCounters(8, 0, 6, 2));
        assertThat(fixture.storedNumbers()).hasSize(5);
    }

    @Test
    void dryRunCountsLikeARealImportButStoresNoOrder() throws Exception {
        Path file = fixture.write("mixed.csv", MIXED);

        ImportRun dry = fixture.importAndWait(file, ImportOptions.named("mixed.csv").withDryRun(true).withChunkSize(2));

        assertThat(dry.state()).isEqualTo(ImportState.COMPLETED);
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.counters()).isEqualTo(new ImportCounters(8, 5, 1, 2));
        assertThat(fixture.records.imports().rejectedRows(dry.importId(), 0, 10)).hasSize(2);
        assertThat(fixture.storedNumbers()).isEmpty();
        assertThat(fixture.records.imports().bySha256(dry.sha256())).isEmpty();
    }

    @Test
    void dryRunCountsOrdersThatAlreadyExistAsSkipped() throws Exception {
        fixture.importAndWait(fixture.write("one.csv", HEADER + row("A-4", "c4")), ImportOptions.named("one.csv"));

        ImportRun dry = fixture.importAndWait(fixture.write("mixed.csv", MIXED),
                ImportOptions.named("mixed.csv").withDryRun(true));

        assertThat(dry.counters()).isEqualTo(new ImportCounters(8, 4, 2, 2));
        assertThat(fixture.storedNumbers()).containsExactly("A-4");
    }

    @Test
    void refusesAnEmptyFileWholeAndCreatesNoImport() throws Exception {
        Path file = fixture.write("empty.csv", "");

        assertThatThrownBy(() -> fixture.importer.submit(file, ImportOptions.named("empty.csv")))
                .isInstanceOf(ImportRefusedException.class).hasMessageContaining("empty");
        assertThat(fixture.records.imports().recent(10)).isEmpty();
    }

    @Test
    void refusesAFileThatIsNotUtf8WholeEvenWhenTheBadByteComesLate() throws Exception {
        byte[] good = (HEADER + row("A-1", "c1") + row("A-2", "c2")).getBytes(StandardCharsets.UTF_8);
        byte[] bad = "A-3,c3,Caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        Path file = dir.resolve("latin1.csv");
        Files.write(file, concat(good, bad, "\n".getBytes(StandardCharsets.US_ASCII)));

        assertThatThrownBy(() -> fixture.importer.submit(file, ImportOptions.named("latin1.csv")))
                .isInstanceOf(ImportRefusedException.class).hasMessageContaining("UTF-8");
        assertThat(fixture.records.imports().recent(10)).isEmpty();
        assertThat(fixture.storedNumbers()).isEmpty();
    }

    @Test
    void refusesAFileEndingInsideAQuoteAtTheIdentityPassNamingTheLineWhereItOpened() throws Exception {
        String csv = HEADER + row("A-1", "c1") + "A-2,c2,\"Open\r\nquote,b@example.com,pending,20.00,USD,,P2,Mug,S2,2,10.00\r\n"
                + row("A-3", "c3");
        Path file = fixture.write("open-quote.csv", csv);

        assertThatThrownBy(() -> fixture.importer.submit(file, ImportOptions.named("open-quote.csv")))
                .isInstanceOf(ImportRefusedException.class).hasMessageStartingWith("File is not valid CSV: line 3 opens"
                        + " a quoted field that is never closed");
        assertThat(fixture.records.imports().recent(10)).isEmpty();
        assertThat(fixture.storedNumbers()).isEmpty();
    }

    @Test
    void acceptsAQuoteThatClosesOnTheLastByte() throws Exception {
        Path file = fixture.write("closed.csv", HEADER + "A-1,c1,\"Name, \"\"quoted\"\"\"");

        assertThat(fixture.importer.submit(file, ImportOptions.named("closed.csv")).run().importId()).isNotBlank();
    }

    @Test
    void refusesAFileWithoutTheRequiredColumnsWhole() throws Exception {
        Path file = fixture.write("nocols.csv", "order_number,total_amount\nA-1,5.00\n");

        assertThatThrownBy(() -> fixture.importer.submit(file, ImportOptions.named("nocols.csv")))
                .isInstanceOf(ImportRefusedException.class).hasMessageContaining("customer_id");
        assertThat(fixture.records.imports().recent(10)).isEmpty();
    }

    @Test
    void importsAHeaderOnlyFileAsAnEmptyCompletedImport() throws Exception {
        ImportRun run = fixture.importAndWait(fixture.write("header.csv", HEADER), ImportOptions.named("header.csv"));

        assertThat(run.state()).isEqualTo(ImportState.COMPLETED);
        assertThat(run.counters()).isEqualTo(ImportCounters.ZERO);
    }

    @Test
    void spoolsAnUploadedStreamAndDeletesTheSpoolFileWhenDone() throws Exception {
        byte[] body = MIXED.getBytes(StandardCharsets.UTF_8);

        ImportSubmission submission = fixture.importer.submit(new ByteArrayInputStream(body),
                ImportOptions.named("upload.csv").withChunkSize(3));
        ImportRun run = fixture.importer.awaitFinished(submission.run().importId(), java.time.Duration.ofSeconds(30));

        assertThat(run.state()).isEqualTo(ImportState.COMPLETED);
        assertThat(run.sha256()).isEqualTo(sha256Hex(body));
        assertThat(fixture.storedNumbers()).hasSize(5);
        org.awaitility.Awaitility.await().untilAsserted(() ->
                assertThat(Files.exists(Path.of(run.source()))).isFalse());
    }

    @Test
    void recordsTheEventsThatCountOrdersImportedInAFinalStatus() throws Exception {
        String csv = HEADER
                + row("F-1", "c1").replace("pending", "paid")
                + row("F-2", "c2").replace("pending", "failed")
                + row("F-3", "c3").replace("pending", "refunded")
                + row("F-4", "c4").replace("pending", "partially_refunded")
                + row("F-5", "c5").replace("pending", "reserved")
                + row("F-6", "c6");

        fixture.importAndWait(fixture.write("final.csv", csv), ImportOptions.named("final.csv"));

        assertThat(eventTypes("F-1")).containsExactly(EventType.ORDER_COMPLETED);
        assertThat(eventTypes("F-2")).containsExactly(EventType.ORDER_FAILED);
        assertThat(eventTypes("F-3")).containsExactly(EventType.ORDER_COMPLETED, EventType.REFUND_PROCESSED);
        assertThat(eventTypes("F-4")).containsExactly(EventType.ORDER_COMPLETED);
        assertThat(eventTypes("F-5")).isEmpty();
        assertThat(eventTypes("F-6")).isEmpty();
        Order refunded = fixture.records.orders().byOrderNumber("F-3").orElseThrow();
        OutboxEvent refund = events("F-3").get(1);
        assertThat(refund.data()).containsEntry(EventData.IMPORTED, "true")
                .containsEntry(EventData.REFUND_CENTS, "1000")
                .containsEntry(EventData.PROCESSED_AT, refunded.placedAt().toString())
                .containsEntry(EventData.REFUND_ID, "import-" + refunded.id());
        assertThat(events("F-1").get(0).data()).containsEntry(EventData.CUSTOMER_ID, "c1")
                .containsEntry(EventData.TOTAL_CENTS, "1000").containsEntry(EventData.IMPORTED, "true");
        assertThat(fixture.records.orders().byOrderNumber("F-5").orElseThrow().status())
                .isEqualTo(OrderStatus.STOCK_RESERVED);
    }

    @Test
    void reportsProgressForProgressBars() throws Exception {
        AtomicLong rowsRead = new AtomicLong();
        List<ImportCounters> applied = Collections.synchronizedList(new ArrayList<>());
        List<ImportRun> finished = Collections.synchronizedList(new ArrayList<>());
        fixture.importer.addListener(new ImportListener() {
            @Override
            public void onRowsRead(String importId, long rows) {
                rowsRead.accumulateAndGet(rows, Math::max);
            }

            @Override
            public void onChunkApplied(ChunkOutcome outcome) {
                applied.add(outcome.run().counters());
            }

            @Override
            public void onFinished(ImportRun run) {
                finished.add(run);
            }
        });

        fixture.importAndWait(fixture.write("mixed.csv", MIXED), ImportOptions.named("mixed.csv").withChunkSize(4));

        assertThat(rowsRead.get()).isEqualTo(8);
        // Listeners run on the worker after the store has recorded the chunk, so wait for them.
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(finished).hasSize(1));
        assertThat(applied).extracting(ImportCounters::rowsRead).containsExactly(4L, 8L);
        assertThat(finished.get(0).state()).isEqualTo(ImportState.COMPLETED);
    }

    private List<OutboxEvent> events(String orderNumber) {
        long id = fixture.records.orders().byOrderNumber(orderNumber).orElseThrow().id();
        return fixture.records.outbox().eventsOf(id);
    }

    private List<EventType> eventTypes(String orderNumber) {
        return events(orderNumber).stream().map(OutboxEvent::type).toList();
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static String sha256Hex(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
