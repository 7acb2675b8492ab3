package io.orderkpi.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.analytics.RangeReport;
import io.orderkpi.core.importer.SampleOrders;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the embedding example of README.md; the code between the markers is the README's, verbatim. */
class ReadmeExampleTest {

    @TempDir
    Path workDir;

    @Test
    void theReadmeEmbeddingExampleImportsProcessesAndReports() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // README:begin
            Path csv = workDir.resolve("orders.csv");
            SampleOrders.write(csv, SampleOrders.Options.builder().count(2_000).seed(42).days(7).build());

            try (OrderKpi kpi = OrderKpi.builder().simulation(42, 0.10, 0.15, 0.05).build()) {
                ImportRun run = kpi.importFile(csv, ImportOptions.named("orders.csv"), true).run();
                kpi.importer().awaitFinished(run.importId(), Duration.ofMinutes(1));
                kpi.awaitIdle(Duration.ofMinutes(1));

                LocalDate today = LocalDate.now(ZoneOffset.UTC);
                RangeReport week = kpi.analytics().range(today.minusDays(6), today);
                System.out.printf("%d orders: %d completed, %d failed, net revenue %s from %d customers%n",
                        week.orderCount(), week.successfulOrders(), week.failedOrders(), week.totalRevenue(),
                        week.uniqueCustomers());
            }
            // README:end
        } finally {
            System.setOut(original);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8))
                .matches("2000 orders: \\d{4} completed, \\d{2,3} failed, net revenue \\d+\\.\\d\\d from \\d+ customers\\R");
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
