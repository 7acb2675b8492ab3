package io.orderkpi.core.importer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

/**
 * Arbitrary bytes as an import file (RELIABILITY R8): the importer's identity pass and CSV reader
 * either refuse the file as a whole with an {@link ImportRefusedException}, or turn every record
 * into exactly one valid or rejected row, with a line number inside the file. Nothing else may
 * escape. {@code ./mvnw verify} replays the committed inputs under
 * {@code src/test/resources/io/orderkpi/core/importer/CsvImportFuzzTestInputs/}; {@code JAZZER_FUZZ=1}
 * fuzzes (see docs/reliability.md).
 */
class CsvImportFuzzTest {

    private static final ImportSettings SETTINGS = new ImportSettings("USD", ZoneOffset.UTC,
            Instant.parse("2025-11-16T12:00:00Z"));

    @FuzzTest(maxDuration = "60s")
    void anyBytesAreRefusedOrSplitIntoValidAndRejectedRows(byte[] input) throws IOException {
        Path file = Files.createTempFile("fuzz", ".csv");
        try {
            Files.write(file, input);
            try {
                SourceFile.inspect(file);
            } catch (ImportRefusedException refused) {
                assertThat(refused.getMessage()).isNotBlank();
                return;
            }
            long lines = physicalLines(input);
            long valid = 0;
            long rejected = 0;
            Set<String> validNumbers = new HashSet<>();
            try (CsvOrderReader reader = CsvOrderReader.open(new ByteArrayInputStream(input), SETTINGS)) {
                while (reader.hasNext()) {
                    ParsedRow row = reader.next();
                    assertThat(row.line()).as("line of a row").isBetween(2L, lines);
                    if (row instanceof ParsedRow.Valid ok) {
                        valid++;
                        validNumbers.add(ok.order().orderNumber());
                        assertThat(ok.order().items()).isNotEmpty();
                        assertThat(ok.order().totalAmount().isPositive()).isTrue();
                    } else if (row instanceof ParsedRow.Rejected bad) {
                        rejected++;
                        assertThat(bad.row().reason()).isNotBlank();
                    }
                }
            } catch (ImportRefusedException refused) {
                assertThat(refused.getMessage()).isNotBlank();
                return;
            }
            assertThat(valid + rejected).isGreaterThanOrEqualTo(validNumbers.size());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Lines as a person counts them in an editor: LF, CRLF and a lone CR each end one. */
    private static long physicalLines(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        return text.split("\r\n|\r|\n", -1).length;
    }
}
