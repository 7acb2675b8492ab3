package io.orderkpi.core.importer;

import static io.orderkpi.core.importer.OrderCsvRow.aRow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CsvOrderReaderTest {

    private static final Instant IMPORT_STARTED = Instant.parse("2025-06-01T12:00:00Z");
    private static final ImportSettings UTC = new ImportSettings("USD", ZoneOffset.UTC, IMPORT_STARTED);

    // ---------------------------------------------------------------- helpers

    private static List<ParsedRow> readAll(String csv) {
        return readAll(csv.getBytes(StandardCharsets.UTF_8), UTC);
    }

    private static List<ParsedRow> readAll(byte[] bytes, ImportSettings settings) {
        List<ParsedRow> rows = new ArrayList<>();
        try (CsvOrderReader reader = CsvOrderReader.open(new ByteArrayInputStream(bytes), settings)) {
            reader.forEachRemaining(rows::add);
        }
        return rows;
    }

    private static NewOrder validOrder(OrderCsvRow row) {
        return validOrder(row, UTC);
    }

    private static NewOrder validOrder(OrderCsvRow row, ImportSettings settings) {
        List<ParsedRow> rows = readAll(row.csv().getBytes(StandardCharsets.UTF_8), settings);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).isInstanceOf(ParsedRow.Valid.class);
        return ((ParsedRow.Valid) rows.get(0)).order();
    }

    private static RejectedRow rejected(OrderCsvRow row) {
        List<ParsedRow> rows = readAll(row.csv());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).isInstanceOf(ParsedRow.Rejected.class);
        return ((ParsedRow.Rejected) rows.get(0)).row();
    }

    private static String reasonFor(OrderCsvRow row) {
        return rejected(row).reason();
    }

    private static ImportRefusedException refusalOf(byte[] bytes) {
        try {
            readAll(bytes, UTC);
        } catch (ImportRefusedException e) {
            return e;
        }
        throw new AssertionError("the file was not refused");
    }

    private static ImportRefusedException refusalOf(String csv) {
        return refusalOf(csv.getBytes(StandardCharsets.UTF_8));
    }

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    private static List<Long> lineNumbers(List<ParsedRow> rows) {
        return rows.stream().map(ParsedRow::line).toList();
    }

    private static List<String> orderNumbers(List<ParsedRow> rows) {
        return rows.stream().map(r -> ((ParsedRow.Valid) r).order().orderNumber()).toList();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- a valid row

    @Test
    void readsAValidRowIntoAnOrder() {
        List<ParsedRow> rows = readAll(aRow().csv());

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).line()).isEqualTo(2);
        NewOrder order = ((ParsedRow.Valid) rows.get(0)).order();
        assertThat(order.orderNumber()).isEqualTo("ORD-1");
        assertThat(order.customerId()).isEqualTo("CUST-1");
        assertThat(order.customerName()).isEqualTo("Jane Doe");
        assertThat(order.customerEmail()).isEqualTo("jane@example.com");
        assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(order.totalAmount()).isEqualTo(Money.ofCents(2550));
        assertThat(order.currency()).isEqualTo("USD");
        assertThat(order.placedAt()).isEqualTo(Instant.parse("2025-05-01T10:00:00Z"));
        assertThat(order.items()).containsExactly(new OrderItem("P-1", "Mug", "SKU-1", 2, Money.ofCents(1275)));
        assertThat(order.items().get(0).totalPrice()).isEqualTo(Money.ofCents(2550));
    }

    @Test
    void trimsSurroundingWhitespaceOfValues() {
        NewOrder order = validOrder(aRow().with("order_number", "  ORD-7 ").with("customer_name", "\t Jane Doe  ")
                .with("total_amount", " 25.50 ").with("item1_quantity", " 3 ").with("status", " paid "));

        assertThat(order.orderNumber()).isEqualTo("ORD-7");
        assertThat(order.customerName()).isEqualTo("Jane Doe");
        assertThat(order.totalAmount()).isEqualTo(Money.ofCents(2550));
        assertThat(order.items().get(0).quantity()).isEqualTo(3);
        assertThat(order.status()).isEqualTo(OrderStatus.COMPLETED);
    }

    @Test
    void needsOnlyTheRequiredColumns() {
        String csv = lines("order_number,customer_id,total_amount,item1_product_id,item1_quantity,item1_unit_price",
                "ORD-1,CUST-1,9.99,P-1,1,9.99");

        NewOrder order = ((ParsedRow.Valid) readAll(csv).get(0)).order();

        assertThat(order.customerName()).isEmpty();
        assertThat(order.customerEmail()).isEmpty();
        assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(order.currency()).isEqualTo("USD");
        assertThat(order.placedAt()).isEqualTo(IMPORT_STARTED);
        assertThat(order.items()).containsExactly(new OrderItem("P-1", "", "", 1, Money.ofCents(999)));
    }

    @Test
    void findsColumnsInAnyOrder() {
        String csv = lines("item1_unit_price,total_amount,item1_quantity,customer_id,item1_product_id,order_number",
                "4.00,8.00,2,CUST-9,P-3,ORD-9");

        NewOrder order = ((ParsedRow.Valid) readAll(csv).get(0)).order();

        assertThat(order.orderNumber()).isEqualTo("ORD-9");
        assertThat(order.customerId()).isEqualTo("CUST-9");
        assertThat(order.totalAmount()).isEqualTo(Money.ofCents(800));
        assertThat(order.items()).containsExactly(new OrderItem("P-3", "", "", 2, Money.ofCents(400)));
    }

    @Test
    void ignoresUnknownColumns() {
        NewOrder order = validOrder(aRow().with("notes", "gift, wrap it").with("shipping", "4.99")
                .with("item1_colour", "red").with("item0_quantity", "9").with("item01_quantity", "9"));

        assertThat(order.orderNumber()).isEqualTo("ORD-1");
        assertThat(order.items()).containsExactly(new OrderItem("P-1", "Mug", "SKU-1", 2, Money.ofCents(1275)));
    }

    @Test
    void matchesHeaderNamesIgnoringCaseAndSurroundingWhitespace() {
        String csv = lines(
                " Order_Number ,CUSTOMER_ID,\"  Total_Amount\",Item1_Product_ID, item1_QUANTITY ,ITEM1_UNIT_PRICE",
                "ORD-1,CUST-1,5.00,P-1,1,5.00");

        assertThat(readAll(csv)).singleElement().isInstanceOf(ParsedRow.Valid.class);
    }

    @Test
    void ignoresRepeatedUnknownColumnsSuchAsTrailingEmptyNames() {
        String csv = aRow().header() + ",,\n" + aRow().line() + ",,\n";

        assertThat(readAll(csv)).singleElement().isInstanceOf(ParsedRow.Valid.class);
    }

    // ---------------------------------------------------------------- row size and field count

    @Test
    void rejectsARowWithMoreFieldsThanTheHeader() {
        String csv = aRow().header() + "\n" + aRow().line() + ",extra\n";

        RejectedRow row = ((ParsedRow.Rejected) readAll(csv).get(0)).row();

        assertThat(row.reason()).isEqualTo("row: has 14 fields, header has 13");
        assertThat(row.orderNumber()).isEqualTo("ORD-1");
    }

    @Test
    void keepsARejectedRecordAndTheHeaderExactlyAsWritten() {
        String csv = " Order_Number ,customer_id,total_amount,item1_product_id,item1_quantity,item1_unit_price,"
                + "\"note, \"\"free\"\"\"\r\n"
                + "ORD-1,C1,0.00,P1,1,1.00,\" a,\r\nb \"\r\n"
                + "  ORD-2 ,C2,1.00,P1,1,1.00, \uD83D\uDE00 ,extra\n"
                + ",,,,,,\n";

        List<List<String>> kept = new ArrayList<>();
        List<String> header;
        try (CsvOrderReader reader = CsvOrderReader.open(
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), UTC)) {
            header = reader.header();
            reader.forEachRemaining(row -> kept.add(((ParsedRow.Rejected) row).row().fields()));
        }

        assertThat(header).containsExactly(" Order_Number ", "customer_id", "total_amount", "item1_product_id",
                "item1_quantity", "item1_unit_price", "note, \"free\"");
        assertThat(kept).containsExactly(
                List.of("ORD-1", "C1", "0.00", "P1", "1", "1.00", " a,\r\nb "),
                List.of("  ORD-2 ", "C2", "1.00", "P1", "1", "1.00", " \uD83D\uDE00 ", "extra"),
                List.of("", "", "", "", "", "", ""));
    }

    @Test
    void keepsTheFieldsOfARejectedRowOfExactly65536BytesButNoneOfOneByteOver() {
        OrderCsvRow row = aRow().with("total_amount", "0").with("notes", "");
        int size = row.line().getBytes(StandardCharsets.UTF_8).length;
        String atLimit = row.with("notes", "x".repeat(65_536 - size)).line();
        String over = row.with("order_number", "ORD-2").with("notes", "x".repeat(65_537 - size)).line();

        List<ParsedRow> rows = readAll(row.header() + "\n" + atLimit + "\n" + over + "\n");

        RejectedRow kept = ((ParsedRow.Rejected) rows.get(0)).row();
        assertThat(kept.reason()).isEqualTo("total_amount: must be greater than 0");
        assertThat(String.join(",", kept.fields())).isEqualTo(atLimit);
        RejectedRow notKept = ((ParsedRow.Rejected) rows.get(1)).row();
        assertThat(notKept.reason()).isEqualTo("row: longer than 65536 bytes");
        assertThat(notKept.hasFields()).isFalse();
    }

    @Test
    void readsMissingTrailingFieldsAsEmpty() {
        String csv = lines("order_number,customer_id,total_amount,item1_product_id,item1_quantity,item1_unit_price,"
                + "item2_product_id,item2_quantity,item2_unit_price,customer_name",
                "ORD-1,CUST-1,5.00,P-1,1,5.00");

        NewOrder order = ((ParsedRow.Valid) readAll(csv).get(0)).order();

        assertThat(order.items()).hasSize(1);
        assertThat(order.customerName()).isEmpty();
    }

    @Test
    void acceptsARowOfExactly65536Bytes() {
        OrderCsvRow row = aRow().with("notes", "");
        int size = row.line().getBytes(StandardCharsets.UTF_8).length;
        row.with("notes", "x".repeat(65_536 - size));

        assertThat(row.line().getBytes(StandardCharsets.UTF_8)).hasSize(65_536);
        assertThat(readAll(row.csv())).singleElement().isInstanceOf(ParsedRow.Valid.class);
    }

    @Test
    void rejectsARowOfOneByteOver65536() {
        OrderCsvRow row = aRow().with("notes", "");
        int size = row.line().getBytes(StandardCharsets.UTF_8).length;
        row.with("notes", "x".repeat(65_537 - size));

        assertThat(reasonFor(row)).isEqualTo("row: longer than 65536 bytes");
    }

    @Test
    void measuresTheRowSizeInUtf8BytesNotCharacters() {
        OrderCsvRow row = aRow().with("notes", "é".repeat(33_000));

        assertThat(row.line().length()).isLessThan(65_536);
        assertThat(reasonFor(row)).isEqualTo("row: longer than 65536 bytes");
    }

    @Test
    void rejectsARowLongerThan64KiBAndReadsTheNextRowWithItsLineNumber() {
        String huge = aRow().with("notes", "line one\n" + "y".repeat(200_000) + "\nline three").line();
        String csv = aRow().with("notes", "").header() + "\n"
                + aRow().with("order_number", "ORD-1").with("notes", "").line() + "\n"
                + huge + "\n"
                + aRow().with("order_number", "ORD-3").with("notes", "").line() + "\n";

        List<ParsedRow> rows = readAll(csv);

        assertThat(lineNumbers(rows)).containsExactly(2L, 3L, 6L);
        assertThat(rows.get(1)).isInstanceOf(ParsedRow.Rejected.class);
        assertThat(((ParsedRow.Rejected) rows.get(1)).row())
                .isEqualTo(new RejectedRow(3, "ORD-1", "row: longer than 65536 bytes"));
        assertThat(((ParsedRow.Valid) rows.get(2)).order().orderNumber()).isEqualTo("ORD-3");
    }

    @Test
    void readsOnPastARowOfSeveralMegabytes() {
        String csv = aRow().with("notes", "").header() + "\n"
                + aRow().with("notes", "z".repeat(3_000_000)).line() + "\n"
                + aRow().with("order_number", "ORD-2").with("notes", "").line() + "\n";

        List<ParsedRow> rows = readAll(csv);

        assertThat(rows).hasSize(2);
        assertThat(((ParsedRow.Rejected) rows.get(0)).row().reason()).isEqualTo("row: longer than 65536 bytes");
        assertThat(rows.get(1)).isInstanceOf(ParsedRow.Valid.class);
    }

    // ---------------------------------------------------------------- order_number, customer fields

    @Test
    void rejectsAnEmptyOrderNumber() {
        RejectedRow row = rejected(aRow().with("order_number", "   "));

        assertThat(row.reason()).isEqualTo("order_number: required");
        assertThat(row.orderNumber()).isEmpty();
    }

    @Test
    void rejectsAnEmptyCustomerId() {
        assertThat(reasonFor(aRow().with("customer_id", ""))).isEqualTo("customer_id: required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CUST 1", "CUST/1", "cust@shop", "josé", "a+b", "id,1"})
    void rejectsACustomerIdWithOtherCharactersThanLettersDigitsDashUnderscoreAndDot(String customerId) {
        assertThat(reasonFor(aRow().with("customer_id", customerId)))
                .isEqualTo("customer_id: only letters, digits, '-', '_' and '.' are allowed '" + customerId + "'");
    }

    @Test
    void acceptsACustomerIdOfLettersDigitsDashUnderscoreAndDot() {
        assertThat(validOrder(aRow().with("customer_id", "Cust-01_a.B")).customerId()).isEqualTo("Cust-01_a.B");
    }

    @ParameterizedTest(name = "{0} of {1} characters")
    @CsvSource({"order_number, 64", "customer_id, 64", "customer_name, 255", "customer_email, 255",
        "item1_product_id, 64", "item1_product_name, 255", "item1_sku, 64"})
    void acceptsAValueExactlyAtItsLengthLimit(String column, int limit) {
        assertThat(readAll(aRow().with(column, "a".repeat(limit)).csv()))
                .singleElement().isInstanceOf(ParsedRow.Valid.class);
    }

    @ParameterizedTest(name = "{0} of {1} + 1 characters")
    @CsvSource({"order_number, 64", "customer_id, 64", "customer_name, 255", "customer_email, 255",
        "item1_product_id, 64", "item1_product_name, 255", "item1_sku, 64"})
    void rejectsAValueOneCharacterOverItsLengthLimit(String column, int limit) {
        assertThat(reasonFor(aRow().with(column, "a".repeat(limit + 1))))
                .isEqualTo(column + ": longer than " + limit + " characters");
    }

    @Test
    void countsLengthsInCharactersNotBytesOrUtf16Units() {
        assertThat(validOrder(aRow().with("customer_name", "李".repeat(255))).customerName()).hasSize(255);
        assertThat(validOrder(aRow().with("customer_name", "😀".repeat(255))).customerName()).hasSize(510);
        assertThat(reasonFor(aRow().with("customer_name", "😀".repeat(256))))
                .isEqualTo("customer_name: longer than 255 characters");
    }

    @Test
    void keepsTheTrimmedOrderNumberOfARejectedRow() {
        RejectedRow row = rejected(aRow().with("order_number", "  ORD-42 ").with("total_amount", "0"));

        assertThat(row.orderNumber()).isEqualTo("ORD-42");
        assertThat(row.line()).isEqualTo(2);
    }

    @Test
    void reportsTheFirstProblemInTheDocumentedOrder() {
        OrderCsvRow everythingWrong = aRow().with("order_number", "").with("customer_id", "").with("status", "x")
                .with("currency", "EUR").with("total_amount", "0").with("placed_at", "never")
                .with("item1_quantity", "0");

        assertThat(reasonFor(everythingWrong)).isEqualTo("order_number: required");
        assertThat(reasonFor(everythingWrong.with("order_number", "ORD-1"))).isEqualTo("customer_id: required");
        assertThat(reasonFor(everythingWrong.with("customer_id", "C1"))).startsWith("status: ");
        assertThat(reasonFor(everythingWrong.with("status", ""))).startsWith("currency: ");
        assertThat(reasonFor(everythingWrong.with("currency", ""))).startsWith("total_amount: ");
        assertThat(reasonFor(everythingWrong.with("total_amount", "1"))).startsWith("placed_at: ");
        assertThat(reasonFor(everythingWrong.with("placed_at", ""))).startsWith("item1_quantity: ");
    }

    // ---------------------------------------------------------------- status

    @ParameterizedTest
    @CsvSource({"pending, PENDING", "reserved, STOCK_RESERVED", "paid, COMPLETED", "failed, CANCELLED",
        "refunded, REFUNDED", "partially_refunded, PARTIALLY_REFUNDED", "PAID, COMPLETED",
        "Partially_Refunded, PARTIALLY_REFUNDED"})
    void mapsEachImportStatus(String status, OrderStatus expected) {
        assertThat(validOrder(aRow().with("status", status)).status()).isEqualTo(expected);
    }

    @Test
    void readsAnEmptyStatusAsPending() {
        assertThat(validOrder(aRow().with("status", "")).status()).isEqualTo(OrderStatus.PENDING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shipped", "completed", "stock_reserved", "cancelled"})
    void rejectsAnUnknownStatus(String status) {
        assertThat(reasonFor(aRow().with("status", status))).isEqualTo("status: unknown status '" + status
                + "' (expected pending, reserved, paid, failed, refunded or partially_refunded)");
    }

    // ---------------------------------------------------------------- currency

    @Test
    void readsAnEmptyCurrencyAsTheReportingCurrency() {
        assertThat(validOrder(aRow().with("currency", "")).currency()).isEqualTo("USD");
    }

    @ParameterizedTest
    @ValueSource(strings = {"usd", "Usd", "USD"})
    void acceptsTheReportingCurrencyInAnyCase(String currency) {
        assertThat(validOrder(aRow().with("currency", currency)).currency()).isEqualTo("USD");
    }

    @ParameterizedTest
    @ValueSource(strings = {"EUR", "eur"})
    void rejectsAnotherCurrencyThanTheReportingOne(String currency) {
        assertThat(reasonFor(aRow().with("currency", currency)))
                .isEqualTo("currency: EUR is not the reporting currency USD");
    }

    @Test
    void usesTheReportingCurrencyOfTheSettings() {
        ImportSettings euro = new ImportSettings("eur", ZoneOffset.UTC, IMPORT_STARTED);

        assertThat(validOrder(aRow().with("currency", "Eur"), euro).currency()).isEqualTo("EUR");
        assertThat(validOrder(aRow().with("currency", ""), euro).currency()).isEqualTo("EUR");
    }

    @ParameterizedTest
    @ValueSource(strings = {"US", "US1", "DOLLAR", "$"})
    void rejectsACurrencyThatIsNotThreeLetters(String currency) {
        assertThat(reasonFor(aRow().with("currency", currency)))
                .isEqualTo("currency: not a 3-letter ISO 4217 code '" + currency + "'");
    }

    // ---------------------------------------------------------------- total_amount

    @Test
    void rejectsAnEmptyTotalAmount() {
        assertThat(reasonFor(aRow().with("total_amount", ""))).isEqualTo("total_amount: required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1,50", "1e3", "1.2.3", "$5", "-", ".", "5 USD"})
    void rejectsATotalAmountThatIsNotANumber(String amount) {
        assertThat(reasonFor(aRow().with("total_amount", amount)))
                .isEqualTo("total_amount: not a decimal number '" + amount + "'");
    }

    @Test
    void rejectsATotalAmountWithThreeDecimals() {
        assertThat(reasonFor(aRow().with("total_amount", "10.005")))
                .isEqualTo("total_amount: more than 2 decimals '10.005'");
    }

    @Test
    void acceptsATotalAmountWhoseThirdDecimalIsATrailingZero() {
        assertThat(validOrder(aRow().with("total_amount", "10.500")).totalAmount()).isEqualTo(Money.ofCents(1050));
    }

    @ParameterizedTest
    @CsvSource({"7, 700", "7.5, 750", "0.01, 1", "+3.10, 310", "1234567.89, 123456789"})
    void acceptsTotalAmountsWithUpToTwoDecimals(String amount, long cents) {
        assertThat(validOrder(aRow().with("total_amount", amount)).totalAmount()).isEqualTo(Money.ofCents(cents));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.00", "-0"})
    void rejectsAZeroTotalAmount(String amount) {
        assertThat(reasonFor(aRow().with("total_amount", amount))).isEqualTo("total_amount: must be greater than 0");
    }

    @Test
    void rejectsANegativeTotalAmount() {
        assertThat(reasonFor(aRow().with("total_amount", "-5.00"))).isEqualTo("total_amount: must be greater than 0");
    }

    @Test
    void rejectsATotalAmountTooLargeForCents() {
        assertThat(reasonFor(aRow().with("total_amount", "99999999999999999999")))
                .isEqualTo("total_amount: too large '99999999999999999999'");
    }

    // ---------------------------------------------------------------- placed_at

    @Test
    void readsADateAsTheStartOfThatDayInTheImportZone() {
        ImportSettings berlin = new ImportSettings("USD", ZoneId.of("Europe/Berlin"), IMPORT_STARTED);

        assertThat(validOrder(aRow().with("placed_at", "2025-03-10"), berlin).placedAt())
                .isEqualTo(Instant.parse("2025-03-09T23:00:00Z"));
    }

    @Test
    void readsALocalDateTimeInTheImportZone() {
        ImportSettings newYork = new ImportSettings("USD", ZoneId.of("America/New_York"), IMPORT_STARTED);

        assertThat(validOrder(aRow().with("placed_at", "2025-07-01T08:30:00"), newYork).placedAt())
                .isEqualTo(Instant.parse("2025-07-01T12:30:00Z"));
        assertThat(validOrder(aRow().with("placed_at", "2025-01-15T08:30"), newYork).placedAt())
                .isEqualTo(Instant.parse("2025-01-15T13:30:00Z"));
    }

    @Test
    void readsADateTimeWithAnOffset() {
        ImportSettings newYork = new ImportSettings("USD", ZoneId.of("America/New_York"), IMPORT_STARTED);

        assertThat(validOrder(aRow().with("placed_at", "2025-07-01T08:30:00+02:00"), newYork).placedAt())
                .isEqualTo(Instant.parse("2025-07-01T06:30:00Z"));
        assertThat(validOrder(aRow().with("placed_at", "2025-07-01T08:30:00-05:00"), newYork).placedAt())
                .isEqualTo(Instant.parse("2025-07-01T13:30:00Z"));
    }

    @Test
    void readsAUtcDateTimeWithZ() {
        ImportSettings tokyo = new ImportSettings("USD", ZoneId.of("Asia/Tokyo"), IMPORT_STARTED);

        assertThat(validOrder(aRow().with("placed_at", "2025-07-01T08:30:15Z"), tokyo).placedAt())
                .isEqualTo(Instant.parse("2025-07-01T08:30:15Z"));
        assertThat(validOrder(aRow().with("placed_at", "2025-07-01T08:30:15.250Z"), tokyo).placedAt())
                .isEqualTo(Instant.parse("2025-07-01T08:30:15.250Z"));
    }

    @Test
    void acceptsASpaceBetweenDateAndTime() {
        assertThat(validOrder(aRow().with("placed_at", "2025-07-01 08:30:00")).placedAt())
                .isEqualTo(Instant.parse("2025-07-01T08:30:00Z"));
    }

    @Test
    void usesTheImportStartWhenPlacedAtIsEmpty() {
        assertThat(validOrder(aRow().with("placed_at", "")).placedAt()).isEqualTo(IMPORT_STARTED);
    }

    @Test
    void usesTheImportStartWhenThereIsNoPlacedAtColumn() {
        assertThat(validOrder(aRow().without("placed_at")).placedAt()).isEqualTo(IMPORT_STARTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-13-01", "01/05/2025", "yesterday", "2025-02-30T10:00:00Z", "2025-05-01T25:00:00",
        "2025-05-01T10:00:00+0200", "1714557600"})
    void rejectsAPlacedAtThatIsNotIso8601(String placedAt) {
        assertThat(reasonFor(aRow().with("placed_at", placedAt)))
                .isEqualTo("placed_at: not an ISO-8601 date or date-time '" + placedAt + "'");
    }

    // ---------------------------------------------------------------- items

    @Test
    void rejectsAnItemWithoutProductId() {
        assertThat(reasonFor(aRow().with("item1_product_id", ""))).isEqualTo("item1_product_id: required");
    }

    @Test
    void rejectsAnItemWithoutQuantity() {
        assertThat(reasonFor(aRow().with("item1_quantity", ""))).isEqualTo("item1_quantity: required");
    }

    @Test
    void rejectsAnItemWithoutUnitPrice() {
        assertThat(reasonFor(aRow().with("item1_unit_price", ""))).isEqualTo("item1_unit_price: required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "1.5", "2 pcs", "+", "1e2"})
    void rejectsAQuantityThatIsNotAnInteger(String quantity) {
        assertThat(reasonFor(aRow().with("item1_quantity", quantity)))
                .isEqualTo("item1_quantity: not an integer '" + quantity + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "-0"})
    void rejectsAQuantityThatIsNotPositive(String quantity) {
        assertThat(reasonFor(aRow().with("item1_quantity", quantity)))
                .isEqualTo("item1_quantity: must be greater than 0");
    }

    @Test
    void rejectsAQuantityTooLargeForAnInt() {
        assertThat(reasonFor(aRow().with("item1_quantity", "2147483648")))
                .isEqualTo("item1_quantity: too large '2147483648'");
        assertThat(validOrder(aRow().with("item1_quantity", "2147483647").with("item1_unit_price", "1"))
                .items().get(0).quantity()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void rejectsAnItemWhoseTotalPriceDoesNotFitInCents() {
        assertThat(reasonFor(aRow().with("item1_quantity", "2000000000").with("item1_unit_price", "99999999999.99")))
                .isEqualTo("item1_quantity: quantity * unit_price is too large");
    }

    @Test
    void rejectsAUnitPriceThatIsNotANumber() {
        assertThat(reasonFor(aRow().with("item1_unit_price", "twelve")))
                .isEqualTo("item1_unit_price: not a decimal number 'twelve'");
    }

    @Test
    void rejectsAUnitPriceWithThreeDecimals() {
        assertThat(reasonFor(aRow().with("item1_unit_price", "12.755")))
                .isEqualTo("item1_unit_price: more than 2 decimals '12.755'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.00", "-12.75"})
    void rejectsAUnitPriceThatIsNotPositive(String price) {
        assertThat(reasonFor(aRow().with("item1_unit_price", price)))
                .isEqualTo("item1_unit_price: must be greater than 0");
    }

    @Test
    void acceptsAnItemWithoutNameAndSku() {
        NewOrder order = validOrder(aRow().with("item1_product_name", "").with("item1_sku", ""));

        assertThat(order.items()).containsExactly(new OrderItem("P-1", "", "", 2, Money.ofCents(1275)));
    }

    @Test
    void rejectsAnIncompleteSecondItemGroup() {
        assertThat(reasonFor(aRow().withItem(2, "", "", "SKU-2", "", ""))).isEqualTo("item2_product_id: required");
        assertThat(reasonFor(aRow().withItem(2, "P-2", "Plate", "", "", "3.00"))).isEqualTo("item2_quantity: required");
        assertThat(reasonFor(aRow().withItem(2, "P-2", "", "", "1", ""))).isEqualTo("item2_unit_price: required");
    }

    @Test
    void rejectsAnInvalidSecondItemGroup() {
        assertThat(reasonFor(aRow().withItem(2, "P-2", "", "", "x", "3.00")))
                .isEqualTo("item2_quantity: not an integer 'x'");
    }

    @Test
    void ignoresAnItemGroupWhoseFieldsAreAllEmpty() {
        NewOrder order = validOrder(aRow().withItem(2, "", " ", "", "", ""));

        assertThat(order.items()).extracting(OrderItem::productId).containsExactly("P-1");
    }

    @Test
    void rejectsARowWithoutAnyItem() {
        assertThat(reasonFor(aRow().withItem(1, "", "", "", "", ""))).isEqualTo("items: at least one item is required");
    }

    @Test
    void acceptsARowWhoseFirstItemGroupIsEmptyButALaterOneIsSet() {
        NewOrder order = validOrder(aRow().withItem(1, "", "", "", "", "")
                .withItem(2, "P-2", "Plate", "", "1", "3.00"));

        assertThat(order.items()).containsExactly(new OrderItem("P-2", "Plate", "", 1, Money.ofCents(300)));
    }

    @Test
    void readsManyItemGroups() {
        OrderCsvRow row = aRow();
        for (int n = 2; n <= 7; n++) {
            row.withItem(n, "P-" + n, "Product " + n, "SKU-" + n, Integer.toString(n), n + ".50");
        }

        NewOrder order = validOrder(row);

        assertThat(order.items()).extracting(OrderItem::productId)
                .containsExactly("P-1", "P-2", "P-3", "P-4", "P-5", "P-6", "P-7");
        assertThat(order.items().get(6)).isEqualTo(new OrderItem("P-7", "Product 7", "SKU-7", 7, Money.ofCents(750)));
        assertThat(order.items().get(6).totalPrice()).isEqualTo(Money.ofCents(5250));
    }

    @Test
    void readsSparseItemGroupsInAscendingOrderWhateverTheColumnOrder() {
        String csv = lines("order_number,customer_id,total_amount,"
                + "item3_product_id,item3_quantity,item3_unit_price,item1_product_id,item1_quantity,item1_unit_price",
                "ORD-1,CUST-1,10.00,P-3,3,1.00,P-1,1,7.00");

        NewOrder order = ((ParsedRow.Valid) readAll(csv).get(0)).order();

        assertThat(order.items()).extracting(OrderItem::productId).containsExactly("P-1", "P-3");
    }

    @Test
    void namesTheGroupNumberOfASparseGroupInReasons() {
        String csv = lines("order_number,customer_id,total_amount,item1_product_id,item1_quantity,item1_unit_price,"
                + "item12_product_id,item12_quantity,item12_unit_price",
                "ORD-1,CUST-1,10.00,P-1,1,7.00,P-12,1,0");

        assertThat(((ParsedRow.Rejected) readAll(csv).get(0)).row().reason())
                .isEqualTo("item12_unit_price: must be greater than 0");
    }

    // ---------------------------------------------------------------- file format

    @Test
    void readsAFileWithAUtf8Bom() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

        List<ParsedRow> rows = readAll(concat(bom, aRow().csv().getBytes(StandardCharsets.UTF_8)), UTC);

        assertThat(rows).singleElement().isInstanceOf(ParsedRow.Valid.class);
        assertThat(rows.get(0).line()).isEqualTo(2);
        assertThat(((ParsedRow.Valid) rows.get(0)).order().orderNumber()).isEqualTo("ORD-1");
    }

    @Test
    void readsCrlfLineEndings() {
        String csv = aRow().header() + "\r\n" + aRow().line() + "\r\n"
                + aRow().with("order_number", "ORD-2").with("customer_name", "two\r\nlines").line() + "\r\n"
                + aRow().with("order_number", "ORD-3").line() + "\r\n";

        List<ParsedRow> rows = readAll(csv);

        assertThat(orderNumbers(rows)).containsExactly("ORD-1", "ORD-2", "ORD-3");
        assertThat(lineNumbers(rows)).containsExactly(2L, 3L, 5L);
        assertThat(((ParsedRow.Valid) rows.get(0)).order().items().get(0).unitPrice()).isEqualTo(Money.ofCents(1275));
        assertThat(((ParsedRow.Valid) rows.get(1)).order().customerName()).isEqualTo("two\r\nlines");
    }

    @Test
    void readsQuotedFieldsWithCommasQuotesAndNewlines() {
        String csv = aRow().header() + "\n"
                + "ORD-1,CUST-1,\"Smith, \"\"Jay\"\"\nJunior\",jay@example.com,pending,25.50,USD,,"
                + "P-1,\"Mug, \"\"big\"\"\","
                + "SKU-1,2,12.75\n";

        NewOrder order = ((ParsedRow.Valid) readAll(csv).get(0)).order();

        assertThat(order.customerName()).isEqualTo("Smith, \"Jay\"\nJunior");
        assertThat(order.items().get(0).productName()).isEqualTo("Mug, \"big\"");
    }

    @Test
    void readsNonAsciiText() {
        NewOrder order = validOrder(aRow().with("customer_name", "Zoë Ångström 李雷 😀")
                .with("item1_product_name", "Crème brûlée"));

        assertThat(order.customerName()).isEqualTo("Zoë Ångström 李雷 😀");
        assertThat(order.items().get(0).productName()).isEqualTo("Crème brûlée");
    }

    @Test
    void numbersLinesPhysicallyAfterMultiLineRecords() {
        String csv = aRow().header() + "\n"
                + aRow().with("customer_name", "a\nb\nc").line() + "\n"
                + aRow().with("order_number", "ORD-2").line() + "\n"
                + aRow().with("order_number", "ORD-3").with("item1_product_name", "x\n\ny").line() + "\n"
                + aRow().with("order_number", "").line() + "\n";

        List<ParsedRow> rows = readAll(csv);

        assertThat(lineNumbers(rows)).containsExactly(2L, 5L, 6L, 9L);
        assertThat(((ParsedRow.Rejected) rows.get(3)).row().line()).isEqualTo(9);
    }

    @Test
    void skipsTrulyBlankLinesButRejectsRowsOfOnlySeparatorsOrSpaces() {
        String csv = "\n , ,\n" + aRow().header() + "\n"
                + "\n"
                + aRow().line() + "\n"
                + "   \n"
                + ",,,, ,\n"
                + "\r\n"
                + aRow().with("order_number", "ORD-2").line() + "\n"
                + "\n\n";

        List<ParsedRow> rows = readAll(csv);

        assertThat(lineNumbers(rows)).containsExactly(5L, 6L, 7L, 9L);
        assertThat(rows.get(0)).isInstanceOf(ParsedRow.Valid.class);
        assertThat(rows.get(3)).isInstanceOf(ParsedRow.Valid.class);
        assertThat(rows.subList(1, 3)).allSatisfy(row -> assertThat(((ParsedRow.Rejected) row).row().reason())
                .isEqualTo("row: holds no value, only separators or spaces"));
    }

    @Test
    void returnsBothRowsOfARepeatedOrderNumber() {
        String csv = aRow().csv() + aRow().with("customer_name", "Someone Else").line() + "\n";

        List<ParsedRow> rows = readAll(csv);

        assertThat(rows).hasSize(2).allMatch(r -> r instanceof ParsedRow.Valid);
        assertThat(orderNumbers(rows)).containsExactly("ORD-1", "ORD-1");
    }

    @Test
    void readsALastRowWithoutLineBreak() {
        String csv = aRow().header() + "\n" + aRow().line();

        assertThat(readAll(csv)).singleElement().isInstanceOf(ParsedRow.Valid.class);
    }

    @Test
    void readsAHeaderOnlyFileAsNoRows() {
        assertThat(readAll(aRow().header() + "\n")).isEmpty();
        assertThat(readAll(aRow().header())).isEmpty();
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void refusesAnEmptyFile() {
        assertThat(refusalOf(new byte[0])).hasMessage("File is empty");
    }

    @Test
    void refusesAFileWithOnlyABom() {
        assertThat(refusalOf(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})).hasMessage("File is empty");
    }

    @Test
    void refusesAFileWithOnlyBlankLines() {
        assertThat(refusalOf("\n\r\n  \n\n")).hasMessage("File is empty");
    }

    @Test
    void refusesAFileWithoutRequiredColumnsNamingEveryMissingOne() {
        String csv = aRow().without("customer_id").without("item1_quantity").csv();

        assertThat(refusalOf(csv)).hasMessage("Missing required column(s): customer_id, item1_quantity");
    }

    @Test
    void refusesAFileWithoutHeader() {
        assertThat(refusalOf(aRow().line() + "\n")).hasMessageStartingWith("Missing required column(s): order_number, "
                + "customer_id, total_amount, item1_product_id, item1_quantity, item1_unit_price");
    }

    @Test
    void refusesAHeaderThatRepeatsAColumn() {
        String csv = aRow().header() + ",Order_Number\n" + aRow().line() + ",ORD-X\n";

        assertThat(refusalOf(csv)).hasMessageStartingWith("Duplicate column(s) in the header: order_number");
    }

    @Test
    void refusesAHeaderLongerThan64KiB() {
        String csv = aRow().header() + "," + "h".repeat(70_000) + "\n" + aRow().line() + "\n";

        assertThat(refusalOf(csv)).hasMessage("Header row is longer than 65536 bytes");
    }

    @Test
    void refusesBytesThatAreNotUtf8() {
        byte[] csv = concat((aRow().header() + "\nORD-1,CUST-1,Jo").getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xFF, (byte) 0xFE},
                ",x@example.com,,5.00,,,P-1,,,1,5.00\n".getBytes(StandardCharsets.UTF_8));

        assertThat(refusalOf(csv)).hasMessageStartingWith("File is not valid UTF-8");
    }

    @Test
    void refusesALatin1File() {
        byte[] csv = aRow().with("customer_name", "José Müller").csv().getBytes(StandardCharsets.ISO_8859_1);

        assertThat(refusalOf(csv)).hasMessageStartingWith("File is not valid UTF-8");
    }

    @Test
    void refusesBytesThatAreNotUtf8FarIntoTheFileOnceReached() {
        StringBuilder valid = new StringBuilder(aRow().header()).append('\n');
        for (int i = 0; i < 2_000; i++) {
            valid.append(aRow().with("order_number", "ORD-" + i).line()).append('\n');
        }
        byte[] csv = concat(valid.toString().getBytes(StandardCharsets.UTF_8), new byte[] {'O', (byte) 0xC3, '\n'});
        List<ParsedRow> rows = new ArrayList<>();

        try (CsvOrderReader reader = CsvOrderReader.open(new ByteArrayInputStream(csv), UTC)) {
            assertThatThrownBy(() -> reader.forEachRemaining(rows::add))
                    .isInstanceOf(ImportRefusedException.class).hasMessageStartingWith("File is not valid UTF-8");
            assertThatThrownBy(reader::hasNext).isInstanceOf(ImportRefusedException.class);
        }
        assertThat(rows).isNotEmpty().hasSizeLessThan(2_000);
    }

    @Test
    void refusesCsvThatCannotBeReadOn() {
        String csv = aRow().csv() + "ORD-2,CUST-1,\"Jane\"Doe,,,5.00,,,P-1,,,1,5.00\n";

        try (CsvOrderReader reader = CsvOrderReader.open(
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), UTC)) {
            assertThat(reader.next()).isInstanceOf(ParsedRow.Valid.class);
            assertThatThrownBy(reader::next).isInstanceOf(ImportRefusedException.class)
                    .hasMessageStartingWith("File is not valid CSV: ").hasMessageContaining("line 3");
        }
    }

    @Test
    void refusesAFileEndingInsideAQuotedFieldInsteadOfSwallowingTheRowsAfterIt() {
        String csv = aRow().csv()
                + "ORD-2,CUST-1,\"Jane Doe,,,5.00,,,P-1,,,1,5.00\n"
                + aRow().with("order_number", "ORD-3").line() + "\n"
                + aRow().with("order_number", "ORD-4").line() + "\n";

        try (CsvOrderReader reader = CsvOrderReader.open(
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), UTC)) {
            assertThat(reader.next()).isInstanceOf(ParsedRow.Valid.class);
            assertThatThrownBy(reader::next).isInstanceOf(ImportRefusedException.class)
                    .hasMessageStartingWith("File is not valid CSV: the record starting at line 3 opens a quoted field "
                            + "that is never closed");
        }
    }

    @Test
    void refusesAHeaderWithAnUnclosedQuote() {
        assertThat(refusalOf("order_number,\"customer_id\n")).hasMessageContaining("line 1")
                .hasMessageContaining("never closed");
    }

    @Test
    void acceptsAQuotedLastFieldClosedAtTheEndOfTheFile() {
        String csv = aRow().header() + "\n" + aRow().line().replace(",12.75", ",\"12.75\"");

        assertThat(readAll(csv)).singleElement().isInstanceOf(ParsedRow.Valid.class);
    }

    // ---------------------------------------------------------------- the reader itself

    @Test
    void closesTheStream() {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream in = closeRecording(aRow().csv(), closed);

        CsvOrderReader.open(in, UTC).close();

        assertThat(closed).isTrue();
    }

    @Test
    void closesTheStreamOfARefusedFile() {
        AtomicBoolean closed = new AtomicBoolean();

        assertThatThrownBy(() -> CsvOrderReader.open(closeRecording("nothing,useful\n", closed), UTC))
                .isInstanceOf(ImportRefusedException.class);
        assertThat(closed).isTrue();
    }

    @Test
    void endsWithNoSuchElementException() {
        try (CsvOrderReader reader = CsvOrderReader.open(
                new ByteArrayInputStream(aRow().csv().getBytes(StandardCharsets.UTF_8)), UTC)) {
            reader.next();
            assertThat(reader.hasNext()).isFalse();
            assertThatThrownBy(reader::next).isInstanceOf(NoSuchElementException.class);
        }
    }

    @Test
    void answersHasNextAgainWithoutSkippingARow() {
        String csv = aRow().csv() + aRow().with("order_number", "ORD-2").line() + "\n";
        try (CsvOrderReader reader = CsvOrderReader.open(
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), UTC)) {
            assertThat(reader.hasNext()).isTrue();
            assertThat(reader.hasNext()).isTrue();
            assertThat(orderNumbers(List.of(reader.next(), reader.next()))).containsExactly("ORD-1", "ORD-2");
        }
    }

    private static InputStream closeRecording(String csv, AtomicBoolean closed) {
        return new FilterInputStream(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        };
    }

    @Test
    void upperCasesTheReportingCurrencyOfTheSettings() {
        assertThat(new ImportSettings("eur", ZoneOffset.UTC, IMPORT_STARTED).currency()).isEqualTo("EUR");
    }

    @Test
    void refusesSettingsWhoseCurrencyIsNotThreeLetters() {
        assertThatThrownBy(() -> new ImportSettings("EURO", ZoneOffset.UTC, IMPORT_STARTED))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
