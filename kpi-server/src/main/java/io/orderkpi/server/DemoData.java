package io.orderkpi.server;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.importer.ImportSubmission;
import io.orderkpi.core.importer.SampleOrders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --demo N}: writes N sample orders over the last 7 days to a temporary file and
 * imports them with processing on, in the background so that the API answers at once and shows
 * numbers growing within seconds.
 */
final class DemoData {

    private static final Logger LOG = LoggerFactory.getLogger(DemoData.class);
    static final int DAYS = 7;

    private DemoData() {
    }

    static void load(OrderKpi kpi, int count, long seed) {
        Thread loader = new Thread(() -> run(kpi, count, seed), "okpi-demo");
        loader.setDaemon(true);
        loader.start();
    }

    private static void run(OrderKpi kpi, int count, long seed) {
        Path file = null;
        try {
            file = Files.createTempFile("orderkpi-demo-", ".csv");
            SampleOrders.write(file, SampleOrders.Options.builder().count(count).seed(seed).days(DAYS)
                    .now(kpi.clock().instant()).zone(kpi.zone()).build());
            LOG.info("Demo: wrote {} sample orders over the last {} days; importing and processing them", count, DAYS);
            ImportSubmission submission = kpi.importFile(file, ImportOptions.named("demo-orders.csv"), true);
            ImportRun run = kpi.importer().awaitFinished(submission.run().importId(), Duration.ofMinutes(30));
            LOG.info("Demo: import {} {}: {} imported, {} rejected; the workflow is processing them",
                    run.importId(), run.state(), run.counters().imported(), run.counters().rejected());
        } catch (IOException | RuntimeException e) {
            LOG.error("Demo: loading sample orders failed: {}", e.toString());
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.debug("Demo: cannot delete {}", file, e);
                }
            }
        }
    }
}
