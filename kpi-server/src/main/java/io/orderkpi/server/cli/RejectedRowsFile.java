package io.orderkpi.server.cli;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code FILE.rejected.csv} (SPEC §3): the rejected rows of the user's own file exactly as they
 * were, under the file's header, with {@code line} and {@code reason} appended, so the user can
 * fix the file and import it again. The server keeps the rows with the import and answers this
 * very file; the CLI counts its rows and puts it in place. Stateless.
 */
final class RejectedRowsFile {

    private RejectedRowsFile() {
    }

    /**
     * Moves the server's download to {@code target}, replacing it.
     *
     * @param download the server's {@code rejected.csv}
     * @return the rows it holds (records after the header; a quoted line break is not a new row)
     */
    static long save(Path download, Path target) throws IOException {
        long rows;
        try (CsvReader<CsvRecord> records = CsvReader.builder().ofCsvRecord(download)) {
            rows = Math.max(0, records.stream().count() - 1);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Files.move(download, target, StandardCopyOption.REPLACE_EXISTING);
        return rows;
    }
}
