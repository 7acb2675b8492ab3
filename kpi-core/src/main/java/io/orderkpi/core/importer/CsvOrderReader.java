package io.orderkpi.core.importer;

import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import io.orderkpi.core.lang.Nullable;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Streams the rows of an order CSV (SPEC §3) and validates each one: one pass, constant memory
 * whatever the file's size, one {@link ParsedRow} per data record in file order. Not
 * thread-safe; close it (it closes the stream).
 *
 * <p><b>Format.</b> UTF-8 with or without a BOM, LF or CRLF, RFC 4180 quoting (separators,
 * quotes and newlines inside quoted fields). The first non-blank record is the header; columns are
 * found by name (trimmed, case ignored, any order; unknown ones ignored): {@code order_number,
 * customer_id, customer_name, customer_email, status, total_amount, currency, placed_at} and the
 * item groups {@code itemN_product_id, itemN_product_name, itemN_sku, itemN_quantity,
 * itemN_unit_price} for any N ≥ 1 (sparse and in any order; validated in ascending N). Required:
 * {@code order_number, customer_id, total_amount, item1_product_id, item1_quantity,
 * item1_unit_price}.
 *
 * <p><b>Records.</b> Blank lines are skipped: neither rows nor rejections. A line holding only
 * separators and whitespace is a row, rejected ({@code row: holds no value…}); before the header
 * it is skipped like a blank line. Line numbers are the physical line where a record starts, so a
 * quoted newline shifts the numbers of the records after it. Values are trimmed. A row's size is
 * the UTF-8 length of its (unquoted) fields plus one byte per separator; a row over
 * 65,536 bytes is rejected and reading goes on with the next one.
 *
 * <p><b>Rejections.</b> The first failed check is a row's reason, {@code "<field>: <reason>"},
 * checked in this order: {@code row} (size, then more fields than the header), order_number,
 * customer_id, customer_name, customer_email, status, currency, total_amount, placed_at, the item
 * groups in ascending N ({@code itemN_product_id, _product_name, _sku, _quantity, _unit_price}),
 * and finally {@code items} (none at all). Repeated order numbers are both returned as valid: the
 * record store skips the second.
 *
 * <p><b>Refusals.</b> {@link ImportRefusedException} from {@link #open} for an empty file, a
 * missing header or required column, a repeated column or bytes that are not UTF-8; from
 * {@link #hasNext()} and {@link #next()} when bytes further on are not UTF-8 or the CSV cannot be
 * read on: a character after a closing quote, a quoted field never closed (it would swallow every
 * row after it), a single field over 4 Mi characters. Once refused, every further call throws the
 * same exception. An I/O failure of the stream is an {@link UncheckedIOException}.
 */
public final class CsvOrderReader implements Iterator<ParsedRow>, Closeable {

    /**
     * FastCSV's buffer must hold one whole field. Beyond this a row is certainly rejected, but the
     * file cannot be read on; 4 Mi chars (8 MB) bounds the memory a hostile file can take.
     */
    static final int MAX_FIELD_CHARS = 4 * 1024 * 1024;

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final CsvReader<RecordCollector> csv;
    private final CloseableIterator<RecordCollector> records;
    private final RecordCollector collector;
    private final OrderRowValidator validator;
    private final List<String> header;
    private @Nullable ParsedRow next;
    private @Nullable ImportRefusedException refusal;

    private CsvOrderReader(CsvReader<RecordCollector> csv, CloseableIterator<RecordCollector> records,
            RecordCollector collector, OrderRowValidator validator, List<String> header) {
        this.header = header;
        this.csv = csv;
        this.records = records;
        this.collector = collector;
        this.validator = validator;
    }

    /**
     * Opens a reader and reads the header at once.
     *
     * @param utf8Csv  the file's bytes; closed by {@link #close()}, or here when the file is refused
     * @param settings reporting currency, zone of local times, default placed_at
     * @throws ImportRefusedException when the input is empty (no bytes, only a BOM or only blank
     *         lines), has no header with the required columns, repeats a column, or is not UTF-8
     */
    public static CsvOrderReader open(InputStream utf8Csv, ImportSettings settings) {
        Objects.requireNonNull(utf8Csv, "utf8Csv");
        Objects.requireNonNull(settings, "settings");
        RecordCollector collector = new RecordCollector();
        CsvReader<RecordCollector> csv;
        try {
            Reader text = new QuoteCheckingReader(new InputStreamReader(withoutBom(utf8Csv), strictUtf8()));
            csv = CsvReader.builder()
                    .skipEmptyLines(true)
                    // Field counts are checked per row against the header, as a rejection, not
                    // by FastCSV as an error that would end the file.
                    .allowExtraFields(true)
                    .allowMissingFields(true)
                    .maxBufferSize(MAX_FIELD_CHARS)
                    .build(collector, text);
        } catch (IOException e) {
            closeQuietly(utf8Csv, e);
            throw new UncheckedIOException("Cannot read the CSV input", e);
        }
        try {
            CloseableIterator<RecordCollector> records = csv.iterator();
            try {
                if (!records.hasNext()) {
                    throw new ImportRefusedException("File is empty");
                }
                records.next();
            } catch (UncheckedIOException | CsvParseException e) {
                throw refusedOrRethrown(e, collector.line());
            }
            if (collector.oversized()) {
                throw new ImportRefusedException(
                        "Header row is longer than " + RecordCollector.MAX_ROW_BYTES + " bytes");
            }
            List<String> header = collector.headerFields();
            CsvColumns columns = CsvColumns.of(header);
            collector.useColumns(columns);
            return new CsvOrderReader(csv, records, collector, new OrderRowValidator(columns, settings), header);
        } catch (RuntimeException e) {
            closeQuietly(csv, e);
            throw e;
        }
    }

    /** The header's fields exactly as written (untrimmed): the header of a rejected-rows report. */
    public List<String> header() {
        return header;
    }

    /**
     * Whether another data record follows; it is read and validated here.
     *
     * @throws ImportRefusedException when the rest of the file is not UTF-8 or not readable CSV
     */
    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (refusal != null) {
            throw refusal;
        }
        try {
            if (!records.hasNext()) {
                return false;
            }
            next = validator.validate(records.next());
            return true;
        } catch (UncheckedIOException | CsvParseException e) {
            RuntimeException failure = refusedOrRethrown(e, collector.line());
            if (failure instanceof ImportRefusedException refused) {
                refusal = refused;
            }
            throw failure;
        }
    }

    /**
     * The next data record, valid or rejected.
     *
     * @throws NoSuchElementException when there is none
     * @throws ImportRefusedException when the rest of the file is not UTF-8 or not readable CSV
     */
    @Override
    public ParsedRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more rows");
        }
        ParsedRow row = next;
        next = null;
        return row;
    }

    /** Closes the stream. */
    @Override
    public void close() {
        try {
            csv.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close the CSV input", e);
        }
    }

    /** REPORT, not the JDK's default REPLACE: a wrong encoding must refuse the file, not import U+FFFD. */
    private static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** The BOM is dropped as bytes, so it never reaches the header name or shifts a line number. */
    private static InputStream withoutBom(InputStream in) throws IOException {
        PushbackInputStream pushback = new PushbackInputStream(in, UTF8_BOM.length);
        byte[] head = pushback.readNBytes(UTF8_BOM.length);
        boolean bom = head.length == UTF8_BOM.length && head[0] == UTF8_BOM[0] && head[1] == UTF8_BOM[1]
                && head[2] == UTF8_BOM[2];
        if (!bom) {
            pushback.unread(head);
        }
        return pushback;
    }

    /**
     * The refusal for what FastCSV threw, or the exception itself for an I/O failure that is no
     * fault of the file. The decoder reads ahead of the parser, so a UTF-8 error names no line.
     */
    private static RuntimeException refusedOrRethrown(RuntimeException e, long line) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CharacterCodingException) {
                ImportRefusedException refused = new ImportRefusedException(
                        "File is not valid UTF-8 (" + t.getClass().getSimpleName() + ": " + t.getMessage()
                                + "); save it as UTF-8 and import it again");
                refused.initCause(e);
                return refused;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof QuoteCheckingReader.UnclosedQuoteException) {
                ImportRefusedException refused = new ImportRefusedException("File is not valid CSV: the record "
                        + "starting at line " + line + " opens a quoted field that is never closed, so it would "
                        + "swallow every row after it; close the quote or double the quote character inside the field");
                refused.initCause(e);
                return refused;
            }
        }
        if (e instanceof CsvParseException) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            ImportRefusedException refused = new ImportRefusedException("File is not valid CSV: " + root.getMessage()
                    + " (record starting at line " + line + ")");
            refused.initCause(e);
            return refused;
        }
        return e;
    }

    private static void closeQuietly(Closeable closeable, Throwable failure) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
