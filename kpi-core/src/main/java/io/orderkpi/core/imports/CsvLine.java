package io.orderkpi.core.imports;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import de.siegmar.fastcsv.writer.QuoteStrategies;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One list of fields as one RFC 4180 record, and back: how a store that holds text keeps a
 * rejected row's record or a file's header. Fields with separators, quotes or line breaks are
 * quoted, so any list of strings round-trips, an empty one included. Stateless, thread-safe.
 */
public final class CsvLine {

    private CsvLine() {
    }

    /** The fields as one CSV record without a trailing line break; "" for no fields. */
    public static String join(List<String> fields) {
        if (fields.isEmpty()) {
            return "";
        }
        StringWriter out = new StringWriter();
        // Always-quoted fields keep a single empty field distinct from no fields at all.
        try (CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.LF)
                .quoteStrategy(QuoteStrategies.ALWAYS).build(out)) {
            csv.writeRecord(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = out.toString();
        return text.substring(0, text.length() - 1);
    }

    /**
     * The fields of a record {@link #join} wrote.
     *
     * @throws IllegalArgumentException when {@code line} holds more than one record
     */
    public static List<String> split(String line) {
        if (line.isEmpty()) {
            return List.of();
        }
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(line)) {
            List<CsvRecord> records = reader.stream().toList();
            if (records.size() != 1) {
                throw new IllegalArgumentException("expected one CSV record, found " + records.size());
            }
            return records.get(0).getFields();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
