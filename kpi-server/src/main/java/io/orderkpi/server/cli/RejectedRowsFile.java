package io.orderkpi.server.cli;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code FILE.rejected.csv} (SPEC §3): the rejected rows of the user's own file exactly as they
 * were (fields in their columns, under the file's header) with {@code line} and {@code reason}
 * appended, so the user can fix the file and import it again. The server knows only lines and
 * reasons; the rows come from the local file, matched by the physical line where each record
 * starts (the numbering the importer uses). Stateless.
 */
final class RejectedRowsFile {

    private RejectedRowsFile() {
    }

    /**
     * @param rejectedCsv the server's {@code line,order_number,reason} download
     * @return the rows written
     */
    static long write(Path source, Path rejectedCsv, Path target) throws IOException {
        Map<Long, String> reasons = new HashMap<>();
        try (CsvReader<CsvRecord> rejected = CsvReader.builder().ofCsvRecord(rejectedCsv)) {
            boolean header = true;
            for (CsvRecord record : rejected) {
                if (!header && record.getFieldCount() >= 3) {
                    reasons.put(Long.parseLong(record.getField(0)), record.getField(2));
                }
                header = false;
            }
        }
        long written = 0;
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try (Reader text = withoutBom(Files.newBufferedReader(source, StandardCharsets.UTF_8));
                CsvReader<CsvRecord> rows = CsvReader.builder().skipEmptyLines(true).allowExtraFields(true)
                        .allowMissingFields(true).ofCsvRecord(text);
                Writer out = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
            boolean header = true;
            for (CsvRecord record : rows) {
                if (header) {
                    if (isBlank(record.getFields())) {
                        continue;
                    }
                    writeRow(out, record.getFields(), "line", "reason");
                    header = false;
                    continue;
                }
                String reason = reasons.get(record.getStartingLineNumber());
                if (reason != null) {
                    writeRow(out, record.getFields(), Long.toString(record.getStartingLineNumber()), reason);
                    written++;
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        return written;
    }

    private static boolean isBlank(List<String> fields) {
        return fields.stream().allMatch(String::isBlank);
    }

    private static void writeRow(Writer out, List<String> fields, String line, String reason) throws IOException {
        for (String field : fields) {
            out.write(Csv.field(field));
            out.write(',');
        }
        out.write(Csv.field(line));
        out.write(',');
        out.write(Csv.field(reason));
        out.write("\r\n");
    }

    private static Reader withoutBom(BufferedReader in) throws IOException {
        in.mark(1);
        if (in.read() != '\uFEFF') {
            in.reset();
        }
        return in;
    }
}
