package io.orderkpi.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.importer.ImportRun;
import io.orderkpi.core.importer.ImportSubmission;
import io.orderkpi.core.importer.OrderImporter;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.core.memory.MemoryJobQueue;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.spi.RecordStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the embedding example of README.md; the code between the markers is the README's, verbatim. */
class ReadmeExampleTest {

    @TempDir
    Path workDir;

    @Test
    void theReadmeEmbeddingExampleImportsAGeneratedFile() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // README:begin
            try (RecordStore records = new MemoryRecordStore();
                    MemoryJobQueue queue = MemoryJobQueue.builder().build();
                    OrderImporter importer = OrderImporter.builder(records, queue).build()) {
                queue.start(Map.of(QueueNames.ORDERS_IMPORT, 1));

                Path csv = workDir.resolve("orders.csv");
                SampleOrders.write(csv, SampleOrders.Options.builder().count(2_500).seed(42).days(7).build());

                ImportSubmission submission = importer.submit(csv, ImportOptions.named("orders.csv"));
                ImportRun run = importer.awaitFinished(submission.run().importId(), Duration.ofMinutes(1));

                System.out.printf("%s: %d rows, %d imported, %d skipped, %d rejected%n", run.state(),
                        run.counters().rowsRead(), run.counters().imported(),
                        run.counters().skippedExisting(), run.counters().rejected());
            }
            // README:end
        } finally {
            System.setOut(original);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8))
                .isEqualToIgnoringNewLines("completed: 2500 rows, 2500 imported, 0 skipped, 0 rejected");
    }

    @Test
    void theReadmeShowsExactlyThisExample() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String source = Files.readString(Path.of("src/test/java/io/orderkpi/core/ReadmeExampleTest.java"));
        String example = source.substring(source.indexOf("// README:begin") + "// README:begin".length(),
                source.indexOf("// README:end"));
        String dedented = example.lines()
                .map(line -> line.length() >= 12 ? line.substring(12) : line.strip())
                .reduce((a, b) -> a + "\n" + b).orElseThrow().strip();
        assertThat(readme).contains(dedented);
    }
}
