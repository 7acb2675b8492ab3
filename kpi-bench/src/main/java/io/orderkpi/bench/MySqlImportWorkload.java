package io.orderkpi.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.importer.CsvOrderReader;
import io.orderkpi.core.importer.ImportListener;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.importer.ImportSettings;
import io.orderkpi.core.importer.ParsedRow;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.mysql.MySqlDataSources;
import io.orderkpi.mysql.MySqlJobStore;
import io.orderkpi.mysql.MySqlLease;
import io.orderkpi.mysql.MySqlRecordStore;
import io.orderkpi.mysql.SchemaMigration;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * P2: generated orders imported into MySQL/MariaDB through the real import path, as the server
 * does it (a CSV file submitted to the facade's {@code OrderImporter}, chunks queued on the MySQL
 * job store and stored by {@code MySqlRecordStore.insertChunk}: skip-existing, items, the orders'
 * events, the import's progress), against {@code LOAD DATA LOCAL INFILE} of the same orders and
 * items, already in the tables' format, into the same tables (with the same indexes) on a
 * connection of the limit's own with {@code allowLoadLocalInfile}. Every run has a fresh database;
 * the clock of ours runs from the submission to the import's end, the limit's over both loads.
 * Sizes: 1 M orders in {@code --full}, 20 k in {@code --quick}. The warm-up (one of each) uses a
 * tenth of the rows, and {@code --full} counts 3 pairs, not 5: a million orders through the
 * import path take minutes, and five of them would not fit the mode's 15 minutes.
 */
final class MySqlImportWorkload implements Workload {

    private static final int FULL_ORDERS = 1_000_000;
    private static final int QUICK_ORDERS = 20_000;
    /** Counted pairs in {@code --full}: five imports of a million orders each side would not fit its 15 minutes. */
    private static final int FULL_RUNS = 3;
    private static final Instant NOW = Instant.parse("2025-11-16T12:00:00Z");
    private static final Duration BOUND = Duration.ofMinutes(10);
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS",
            Locale.ROOT);

    private final Path workDir;

    MySqlImportWorkload(Path workDir) {
        this.workDir = workDir;
    }

    @Override
    public String id() {
        return "P2";
    }

    @Override
    public String title() {
        return "import into MySQL";
    }

    @Override
    public String unit() {
        return "orders/s";
    }

    @Override
    public Goal goal() {
        return Goal.atLeast(0.5);
    }

    @Override
    public Outcome run(Mode mode) throws Exception {
        int orders = switch (mode) {
            case SMOKE -> 500;
            case QUICK -> QUICK_ORDERS;
            case FULL -> FULL_ORDERS;
        };
        String version = Backends.mysqlVersion();
        Rows counted = prepare("p2", orders);
        Rows warmUp = prepare("p2-warm", Math.max(1_000, orders / 10));
        try {
            return Pairs.measure(mode.warmups(), mode == Mode.FULL ? FULL_RUNS : mode.runs(),
                    () -> throughImporter(warmUp), () -> loadData(warmUp),
                    () -> throughImporter(counted), () -> loadData(counted),
                    Map.of("orders", Integer.toString(orders), "items", Long.toString(counted.items()),
                            "csv_bytes", Long.toString(Files.size(counted.csv())), "mysql", version,
                            "chunk_size", Integer.toString(ImportOptions.DEFAULT_CHUNK_SIZE)));
        } finally {
            counted.delete();
            warmUp.delete();
        }
    }

    /**
     * The same orders three ways: the CSV ours imports, and the orders and items files the limit
     * loads (tab-separated, LOAD DATA's default escaping, ids assigned as the table would).
     */
    private record Rows(Path csv, Path ordersFile, Path itemsFile, int count, long items) {

        void delete() throws IOException {
            Files.deleteIfExists(csv);
            Files.deleteIfExists(ordersFile);
            Files.deleteIfExists(itemsFile);
        }
    }

    private Rows prepare(String name, int count) throws Exception {
        Path csv = workDir.resolve(name + ".csv");
        Path orders = workDir.resolve(name + "-orders.tsv");
        Path items = workDir.resolve(name + "-items.tsv");
        SampleOrders.write(csv, SampleOrders.Options.builder().count(count).seed(2).days(30).now(NOW).build());
        String now = DATETIME.format(LocalDateTime.ofInstant(NOW, ZoneOffset.UTC));
        long id = 0;
        long lines = 0;
        try (InputStream in = Files.newInputStream(csv);
                CsvOrderReader reader = CsvOrderReader.open(in, new ImportSettings("USD", ZoneOffset.UTC, NOW));
                BufferedWriter orderOut = Files.newBufferedWriter(orders, StandardCharsets.UTF_8);
                BufferedWriter itemOut = Files.newBufferedWriter(items, StandardCharsets.UTF_8)) {
            while (reader.hasNext()) {
                ParsedRow row = reader.next();
                if (!(row instanceof ParsedRow.Valid valid)) {
                    throw new IllegalStateException("the generated file has a rejected row: " + row);
                }
                NewOrder order = valid.order();
                id++;
                orderOut.write(String.join("\t", Long.toString(id), field(order.orderNumber()),
                        field(order.customerId()), field(order.customerName()), field(order.customerEmail()),
                        order.status().wireName(), Long.toString(order.totalAmount().cents()), order.currency(),
                        DATETIME.format(LocalDateTime.ofInstant(order.placedAt(), ZoneOffset.UTC)), now, now));
                orderOut.write('\n');
                int line = 0;
                for (OrderItem item : order.items()) {
                    itemOut.write(String.join("\t", Long.toString(id), Integer.toString(++line),
                            field(item.productId()), field(item.productName()), field(item.sku()),
                            Integer.toString(item.quantity()), Long.toString(item.unitPrice().cents())));
                    itemOut.write('\n');
                    lines++;
                }
            }
        }
        if (id != count) {
            throw new IllegalStateException("the generated file holds " + id + " orders, not " + count);
        }
        return new Rows(csv, orders, items, count, lines);
    }

    /** LOAD DATA's default escaping: backslash, tab and line breaks. */
    private static String field(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static double throughImporter(Rows rows) throws Exception {
        try (Backends.MySqlDatabase database = Backends.newDatabase();
                HikariDataSource pool = MySqlDataSources.pool(database.url(), null, null);
                MySqlRecordStore records = MySqlRecordStore.on(pool, Clock.systemUTC(), SchemaMigration.AUTO);
                MySqlJobStore jobs = MySqlJobStore.on(pool, Clock.systemUTC(), SchemaMigration.AUTO);
                OrderKpi kpi = OrderKpi.builder().records(records).jobs(jobs)
                        .lease(MySqlLease.on(pool, SchemaMigration.AUTO)).historyRetention(Duration.ZERO).build()) {
            CompletableFuture<ImportRun> finished = new CompletableFuture<>();
            kpi.importer().addListener(new ImportListener() {
                @Override
                public void onFinished(ImportRun run) {
                    finished.complete(run);
                }
            });
            long start = System.nanoTime();
            kpi.importFile(rows.csv(), ImportOptions.named("p2.csv"), false);
            ImportRun run = finished.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            long nanos = System.nanoTime() - start;
            if (run.state() != ImportState.COMPLETED || run.counters().imported() != rows.count()) {
                throw new IllegalStateException("the import ended " + run.state() + " with " + run.counters()
                        + " of " + rows.count() + " orders: " + run.error());
            }
            return Pairs.perSecond(rows.count(), nanos);
        }
    }

    private static double loadData(Rows rows) throws Exception {
        try (Backends.MySqlDatabase database = Backends.newDatabase()) {
            try (HikariDataSource pool = MySqlDataSources.pool(database.url(), null, null)) {
                MySqlRecordStore.on(pool, Clock.systemUTC(), SchemaMigration.AUTO).close();
            }
            String url = Backends.withParameter(database.url(), "allowLoadLocalInfile=true");
            try (Connection connection = DriverManager.getConnection(url);
                    Statement statement = connection.createStatement()) {
                long start = System.nanoTime();
                statement.execute("LOAD DATA LOCAL INFILE '" + sqlPath(rows.ordersFile()) + "' INTO TABLE orders"
                        + " CHARACTER SET utf8mb4 (id, order_number, customer_id, customer_name, customer_email,"
                        + " status, total_cents, currency, placed_at, created_at, updated_at)");
                statement.execute("LOAD DATA LOCAL INFILE '" + sqlPath(rows.itemsFile()) + "' INTO TABLE order_items"
                        + " CHARACTER SET utf8mb4 (order_id, line_no, product_id, product_name, sku, quantity,"
                        + " unit_price_cents)");
                long nanos = System.nanoTime() - start;
                check(statement, "orders", rows.count());
                check(statement, "order_items", rows.items());
                return Pairs.perSecond(rows.count(), nanos);
            }
        }
    }

    private static String sqlPath(Path file) {
        return file.toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'");
    }

    private static void check(Statement statement, String table, long expected) throws Exception {
        try (ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            count.next();
            if (count.getLong(1) != expected) {
                throw new IllegalStateException("LOAD DATA stored " + count.getLong(1) + " rows in " + table + ", not "
                        + expected + " (is local_infile on?)");
            }
        }
    }
}
