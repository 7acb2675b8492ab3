package io.orderkpi.examples;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.importer.ImportSubmission;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.spi.OrderQuery;
import io.orderkpi.core.spi.Page;
import io.orderkpi.core.workflow.SimulatedPaymentGateway;
import io.orderkpi.core.workflow.SimulatedStockService;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Imports an order CSV through the {@link OrderKpi} facade with {@code process=true}, lets the
 * workflow process every pending order, and prints a daily report as the seed's
 * {@code analytics:daily-report} command does.
 *
 * <p>Usage: {@code ImportAndReportExample [CSV [DATE]]}. Without a CSV it writes a seeded sample
 * of {@value #SAMPLE_COUNT} orders over 7 days to a temporary file; without a DATE it reports the
 * day with the most orders.
 */
public final class ImportAndReportExample {

    static final int SAMPLE_COUNT = 500;
    static final long SAMPLE_SEED = 42;
    /**
     * The end of the sample's placed_at window. Fixed, with the seed, so the sample file (and
     * with it the report) is byte for byte the same on every run.
     */
    static final Instant SAMPLE_NOW = Instant.parse("2025-11-16T18:00:00Z");

    /** Seed of the simulated stock service and payment gateway. */
    static final long SIMULATION_SEED = 42;

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private ImportAndReportExample() {
    }

    /**
     * Runs the example and prints to standard output.
     *
     * @param args optional CSV file, optional report date ({@code YYYY-MM-DD})
     * @throws IOException when the sample file cannot be written or removed
     */
    public static void main(String[] args) throws IOException {
        if (args.length > 2) {
            System.err.println("Usage: ImportAndReportExample [CSV [DATE]]");
            System.exit(2);
        }
        Optional<LocalDate> day = args.length > 1 ? Optional.of(LocalDate.parse(args[1])) : Optional.empty();
        if (args.length > 0) {
            run(System.out, Path.of(args[0]), day);
            return;
        }
        // The file's name is what the import lists as its source; a temporary directory keeps
        // the seed's default name for it.
        Path directory = Files.createTempDirectory("orderkpi-example-");
        Path sample = directory.resolve("sample_orders.csv");
        try {
            writeSample(sample);
            run(System.out, sample, day);
        } finally {
            Files.deleteIfExists(sample);
            Files.delete(directory);
        }
    }

    /** Writes the seeded sample this example imports when it is given no file. */
    static void writeSample(Path csv) {
        SampleOrders.write(csv, SampleOrders.Options.builder().count(SAMPLE_COUNT).seed(SAMPLE_SEED).days(7)
                .now(SAMPLE_NOW).build());
    }

    /**
     * Imports {@code csv}, processes its pending orders and prints the report of {@code day} (the
     * day with the most orders when empty) to {@code out}.
     */
    static void run(PrintStream out, Path csv, Optional<LocalDate> day) {
        // The simulation keeps the seed application's failure rates (some stock and payments
        // fail), but each draw is a hash of the seed and the order id, which a single import
        // assigns in file order: the same file gives the same report on every run.
        try (OrderKpi kpi = OrderKpi.builder()
                .simulation(SIMULATION_SEED, SimulatedStockService.DEFAULT_FAILURE_PROBABILITY,
                        SimulatedPaymentGateway.DEFAULT_CHARGE_FAILURE_PROBABILITY,
                        SimulatedPaymentGateway.DEFAULT_REFUND_FAILURE_PROBABILITY)
                .build()) {
            // process=true: each stored chunk queues its non-final orders for the workflow.
            ImportSubmission submission = kpi.importFile(csv, ImportOptions.named(csv.getFileName().toString()), true);
            ImportRun run = kpi.importer().awaitFinished(submission.run().importId(), TIMEOUT);
            if (run.state() == ImportState.FAILED) {
                throw new IllegalStateException("Import of " + csv + " failed: " + run.error());
            }
            ImportCounters counters = run.counters();
            out.printf("Imported %s: %d rows read, %d imported, %d skipped (existing), %d rejected%n",
                    run.sourceName(), counters.rowsRead(), counters.imported(), counters.skippedExisting(),
                    counters.rejected());

            Settle.idle(kpi, TIMEOUT);
            Map<OrderStatus, Long> byStatus = new EnumMap<>(OrderStatus.class);
            Map<LocalDate, Long> byDay = new HashMap<>();
            forEachOrder(kpi, order -> {
                byStatus.merge(order.status(), 1L, Long::sum);
                byDay.merge(LocalDate.ofInstant(order.placedAt(), kpi.zone()), 1L, Long::sum);
            });
            out.println("Orders by status: " + byStatus);
            out.println();

            LocalDate reported = day.orElseGet(() -> busiest(byDay));
            Reports.printDaily(out, reported, kpi.analytics().daily(reported, 10));
        }
    }

    /** The day with the most orders; the later one on a tie. */
    private static LocalDate busiest(Map<LocalDate, Long> ordersByDay) {
        return ordersByDay.entrySet().stream()
                .max(Map.Entry.<LocalDate, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .orElseThrow(() -> new IllegalStateException("The file has no orders to report on"));
    }

    /** Every stored order, a page at a time (the store pages newest first by id). */
    private static void forEachOrder(OrderKpi kpi, Consumer<Order> consumer) {
        OrderQuery query = OrderQuery.firstPage(500);
        while (true) {
            Page<Order> page = kpi.records().orders().list(query);
            page.items().forEach(consumer);
            if (page.nextKey().isEmpty()) {
                return;
            }
            query = query.before(page.nextKey().getAsLong());
        }
    }
}
