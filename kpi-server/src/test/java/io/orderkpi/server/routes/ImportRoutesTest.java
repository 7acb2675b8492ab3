package io.orderkpi.server.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.server.routes.ApiFixture.Reply;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportRoutesTest {

    private static final String HEADER = "order_number,customer_id,customer_name,total_amount,"
            + "item1_product_id,item1_quantity,item1_unit_price\n";
    private static final List<String> NOT_FINAL = List.of("pending", "reserving_stock", "stock_reserved",
            "processing_payment", "payment_succeeded", "payment_failed", "stock_reservation_failed");

    @TempDir
    static Path dir;
    static ApiFixture api;

    @BeforeAll
    static void start() {
        api = ApiFixture.start(dir);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static Reply upload(String query, String contentType, byte[] csv) {
        return api.post("/api/v1/imports" + query, contentType, BodyPublishers.ofByteArray(csv));
    }

    private static JsonNode awaitFinished(String importId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !List.of("queued", "running")
                .contains(api.get("/api/v1/imports/" + importId).data().get("state").asText()));
        return api.get("/api/v1/imports/" + importId).data();
    }

    @Test
    void importsAStreamedSampleFileAndProcessesItsOrders() throws IOException {
        Path file = dir.resolve("sample.csv");
        SampleOrders.write(file, SampleOrders.Options.builder().count(200).seed(7).days(3)
                .now(Instant.parse("2025-06-01T00:00:00Z")).build());

        Reply accepted = api.post("/api/v1/imports?process=true&chunk=50&name=sample.csv", "text/csv",
                BodyPublishers.ofInputStream(() -> {
                    try {
                        return Files.newInputStream(file);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String importId = accepted.data().get("import_id").asText();

        JsonNode run = awaitFinished(importId);
        assertThat(run.get("state").asText()).isEqualTo("completed");
        assertThat(run.get("rows_read").asLong()).isEqualTo(200);
        assertThat(run.get("imported").asLong() + run.get("skipped_existing").asLong()
                + run.get("rejected").asLong()).isEqualTo(200);
        assertThat(run.get("imported").asLong()).isPositive();
        assertThat(run.get("sha256").asText()).hasSize(64);
        assertThat(run.get("source_name").asText()).isEqualTo("sample.csv");
        assertThat(run.get("dry_run").asBoolean()).isFalse();
        assertThat(run.get("finished_at").asText()).endsWith("Z");
        assertThat(run.get("rejected_rows").isArray()).isTrue();

        await().atMost(Duration.ofSeconds(20)).until(() -> NOT_FINAL.stream().allMatch(status ->
                api.get("/api/v1/orders?status=" + status).data().get("orders").isEmpty()));
        assertThat(api.get("/api/v1/orders?status=completed").data().get("orders")).isNotEmpty();

        Reply again = upload("", "text/csv; charset=utf-8", Files.readAllBytes(file));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.data().get("import_id").asText()).isEqualTo(importId);
        assertThat(again.data().get("imported").asLong()).isEqualTo(run.get("imported").asLong());

        Reply dryRun = upload("?dry_run=true", "application/octet-stream", Files.readAllBytes(file));
        assertThat(dryRun.status()).isEqualTo(202);
        String dryId = dryRun.data().get("import_id").asText();
        assertThat(dryId).isNotEqualTo(importId);
        JsonNode dry = awaitFinished(dryId);
        assertThat(dry.get("dry_run").asBoolean()).isTrue();
        assertThat(dry.get("rows_read").asLong()).isEqualTo(200);

        JsonNode imports = api.get("/api/v1/imports").data();
        List<String> ids = new ArrayList<>();
        imports.get("imports").forEach(i -> ids.add(i.get("import_id").asText()));
        assertThat(ids).containsSubsequence(dryId, importId);
        assertThat(imports.get("imports").get(0).has("rejected_rows")).isFalse();
        assertThat(imports.get("next_cursor").isNull()).isTrue();
    }

    @Test
    void reportsRejectedRowsInTheStatusAndAsCsv() {
        // The valid row is imported as paid (final), so no order of this test waits for processing.
        String csv = "order_number,customer_id,customer_name,status,total_amount,item1_product_id,item1_quantity,"
                + "item1_unit_price\n"
                + "REJ-1,C1,Ann,paid,10.00,P1,1,10.00\n"
                + "REJ-2,C2,\"Smith, Jane\",paid,-1,P1,1,10.00\n"
                + "\n"
                + "REJ-3,,Bob,paid,5.00,P1,1,5.00\n"
                + "REJ-4,C4,Eve,paid,5.00,P1,x,5.00\n";

        Reply accepted = upload("", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode run = awaitFinished(accepted.data().get("import_id").asText());

        assertThat(run.get("imported").asLong()).isEqualTo(1);
        assertThat(run.get("rejected").asLong()).isEqualTo(3);
        JsonNode first = run.get("rejected_rows").get(0);
        assertThat(first.get("line").asLong()).isEqualTo(3);
        assertThat(first.get("order_number").asText()).isEqualTo("REJ-2");
        assertThat(first.get("reason").asText()).isEqualTo("total_amount: must be greater than 0");

        Reply download = api.get("/api/v1/imports/" + run.get("import_id").asText() + "/rejected.csv");
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/csv"));
        assertThat(download.body()).isEqualTo("order_number,customer_id,customer_name,status,total_amount,"
                + "item1_product_id,item1_quantity,item1_unit_price,line,reason\r\n"
                + "REJ-2,C2,\"Smith, Jane\",paid,-1,P1,1,10.00,3,total_amount: must be greater than 0\r\n"
                + "REJ-3,,Bob,paid,5.00,P1,1,5.00,5,customer_id: required\r\n"
                + "REJ-4,C4,Eve,paid,5.00,P1,x,5.00,6,item1_quantity: not an integer 'x'\r\n");
    }

    @Test
    void rejectedCsvGivesBackTheRowsAsWrittenSoTheFileCanBeFixedAndImportedAgain() throws IOException {
        // Quoted commas, quotes and line breaks, untrimmed spaces, a 4-byte character, an unknown
        // column and a short row: every field comes back as written, re-quoted where RFC 4180 needs.
        String csv = " Order_Number ,customer_id,\"status\",total_amount,item1_product_id,item1_quantity,"
                + "item1_unit_price,\"note, free\"\r\n"
                + "ML-1,C1,paid,0.00,P1,1,1.00,\"Ann \"\"the\"\"\r\nsecond line\na\"\r\n"
                + "ML-2,C2,paid,1.00,P1,-1,1.00, \uD83D\uDE00 Zoë \r\n"
                + "ML-3,C3,paid,1.00,P1,1,1.00,fine\r\n"
                + "ML-4,C4\r\n"
                + ",,,,,,,\r\n"
                // One byte over the row limit: rejected, not kept. Exactly at it: rejected, kept.
                + "ML-5,C5,paid,1.00,P1,1,1.00," + "x".repeat(65_537 - 28) + "\r\n"
                + "ML-6,C6,paid,0.00,P1,1,1.00," + "y".repeat(65_536 - 28) + "\r\n";

        Reply accepted = upload("", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode run = awaitFinished(accepted.data().get("import_id").asText());
        assertThat(run.get("imported").asLong()).isEqualTo(1);
        assertThat(run.get("rejected").asLong()).isEqualTo(6);

        Reply download = api.get("/api/v1/imports/" + run.get("import_id").asText() + "/rejected.csv");
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(" Order_Number ,customer_id,status,total_amount,item1_product_id,"
                + "item1_quantity,item1_unit_price,\"note, free\",line,reason\r\n"
                + "ML-1,C1,paid,0.00,P1,1,1.00,\"Ann \"\"the\"\"\r\nsecond line\na\",2,total_amount: must be greater than 0\r\n"
                + "ML-2,C2,paid,1.00,P1,-1,1.00, \uD83D\uDE00 Zoë ,5,item1_quantity: must be greater than 0\r\n"
                + "ML-4,C4,,,,,,,7,total_amount: required\r\n"
                + ",,,,,,,,8,\"row: holds no value, only separators or spaces\"\r\n"
                + ",,,,,,,,9,row: longer than 65536 bytes; the row itself is not kept: copy it from line 9 of the file\r\n"
                + "ML-6,C6,paid,0.00,P1,1,1.00," + "y".repeat(65_536 - 28) + ",10,total_amount: must be greater than 0\r\n");

        // The report is a CSV the importer reads: the rejected rows come back field for field.
        try (CsvReader<CsvRecord> rows = CsvReader.builder().ofCsvRecord(download.body())) {
            List<List<String>> records = rows.stream().map(CsvRecord::getFields).toList();
            assertThat(records).hasSize(7);
            assertThat(records.get(1)).containsExactly("ML-1", "C1", "paid", "0.00", "P1", "1", "1.00",
                    "Ann \"the\"\r\nsecond line\na", "2", "total_amount: must be greater than 0");
            assertThat(records.get(2).get(7)).isEqualTo(" \uD83D\uDE00 Zoë ");
        }
    }

    @Test
    void refusesFilesThatCannotBeImportedAsAWhole() {
        Reply empty = upload("", "text/csv", new byte[0]);
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.error()).isEqualTo("File is empty");

        Reply noColumns = upload("", "text/csv", "order_number,customer_id\nA,B\n".getBytes(StandardCharsets.UTF_8));
        assertThat(noColumns.status()).isEqualTo(400);
        assertThat(noColumns.error()).startsWith("Missing required column(s): total_amount");

        byte[] latin1 = (HEADER + "LAT-1,C,Zoë,1.00,P,1,1.00\n").getBytes(StandardCharsets.ISO_8859_1);
        Reply notUtf8 = upload("", "text/csv", latin1);
        assertThat(notUtf8.status()).isEqualTo(400);
        assertThat(notUtf8.error()).contains("UTF-8");

        assertThat(upload("?dry_run=maybe", "text/csv", latin1).status()).isEqualTo(400);
    }

    @Test
    void refusesOtherContentTypes() {
        byte[] csv = (HEADER + "CT-1,C,N,1.00,P,1,1.00\n").getBytes(StandardCharsets.UTF_8);

        assertThat(upload("", "application/json", csv).status()).isEqualTo(415);
        assertThat(upload("", "text/csv; charset=iso-8859-1", csv).status()).isEqualTo(415);
        Reply none = upload("", null, csv);
        assertThat(none.status()).isEqualTo(415);
        assertThat(none.error()).contains("text/csv");
    }

    @Test
    void refusesAnUploadDeclaredOverTheLimitBeforeReadingIt() throws IOException {
        // A raw request: the JDK client treats an answer that comes before its body is sent as a
        // broken connection, while the server answers from the declared length alone.
        try (java.net.Socket socket = new java.net.Socket(api.server.uri().getHost(), api.server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /api/v1/imports HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: text/csv\r\nContent-Length: " + (ApiFixture.MAX_UPLOAD_BYTES + 1)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);

            assertThat(response).isEqualTo("HTTP/1.1 413");
        }
    }

    @Test
    void theImportsListIsPagedWithACursorAndRefusesAGarbageOne() {
        for (int i = 0; i < 3; i++) {
            upload("?dry_run=true&name=page-" + i + ".csv", "text/csv", (HEADER + "P-" + i + ",c1,n,5.00,P1,1,5.00\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        List<String> all = new ArrayList<>();
        api.get("/api/v1/imports?limit=500").data().get("imports").forEach(i -> all.add(i.get("import_id").asText()));

        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/api/v1/imports?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).data();
            page.get("imports").forEach(i -> paged.add(i.get("import_id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 100);

        assertThat(all).hasSizeGreaterThanOrEqualTo(3);
        assertThat(paged).isEqualTo(all);
        assertThat(pages).isEqualTo((all.size() + 1) / 2);
        ApiFixture.Reply garbage = api.get("/api/v1/imports?limit=2&cursor=garbage");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.body()).contains("Invalid cursor");
    }

    @Test
    void answers404ForUnknownImports() {
        assertThat(api.get("/api/v1/imports/no-such-import").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/imports/no-such-import/rejected.csv").status()).isEqualTo(404);
    }
}
