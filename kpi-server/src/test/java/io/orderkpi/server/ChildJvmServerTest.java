package io.orderkpi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.server.http.Json;
import io.orderkpi.testkit.TestTags;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as it runs in production: {@code orderkpi serve} in its own JVM (see {@link ChildJvm}),
 * with a heap limit and real signals. What only a separate process shows: that a big upload streams
 * through a small heap (SPEC §3, §9), that SIGTERM drains and exits 0 (RELIABILITY R9), and what
 * a refused start-up leaves on the real stderr and as the exit status.
 */
@Tag(TestTags.CHILD_JVM)
class ChildJvmServerTest {

    /** Bounds a JVM start on a busy 2-core machine; a healthy start takes about a second. */
    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /**
     * A 50 MiB upload through a 64 MiB heap: the request body is spooled to disk and parsed a chunk
     * at a time, so the heap never holds the file. {@code -XX:+ExitOnOutOfMemoryError} turns any
     * OutOfMemoryError (in a parser or HTTP thread, where it would otherwise only end that thread
     * and leave the import running forever) into the child's death, which every poll checks.
     *
     * <p>A dry run, because the in-memory record store keeps every imported order by design (it is
     * the system of record without MySQL): storing 50 MiB of orders needs a heap that grows with
     * the data, which is not what this test is about. A dry run still reads, parses and validates
     * every row, and keeps only the order numbers for its duplicate check. (The same upload without
     * {@code dry_run} ends this child with an OutOfMemoryError, as expected of that store.)
     */
    @Test
    void streamsA50MegabyteUploadThroughASmallHeap() throws Exception {
        Path csv = dir.resolve("wide-orders.csv");
        long rows = WideOrders.write(csv, 50L * 1024 * 1024);
        assertThat(rows).as("rows of about 1 KB").isBetween(50_000L, 60_000L);
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        List<String> jvm = List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=" + tmp,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        Map<String, String> env = Map.of(ServerConfig.MAX_UPLOAD_BYTES, Long.toString(256L * 1024 * 1024),
                ServerConfig.WORKERS, "4", ServerConfig.SHUTDOWN_GRACE_SECONDS, "2");
        try (ChildJvm child = ChildJvm.start(dir, jvm, env, "serve", "--port", "0")) {
            URI base = child.awaitListening(START);

            HttpRequest post = HttpRequest.newBuilder(base.resolve("/api/v1/imports?dry_run=true"))
                    .header("Content-Type", "text/csv").timeout(Duration.ofMinutes(2))
                    .POST(HttpRequest.BodyPublishers.ofFile(csv)).build();
            HttpResponse<String> upload = child.send(post);
            assertThat(upload.statusCode()).as(child::log).isIn(200, 202);
            String importId = json(upload.body()).get("data").get("import_id").asText();

            JsonNode run = await("import " + importId).atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> json(get(child, base, "/api/v1/imports/" + importId).body()).get("data"),
                            data -> !List.of("queued", "running").contains(data.get("state").asText()));
            assertThat(run.get("state").asText()).as(child::log).isEqualTo("completed");
            assertThat(run.get("dry_run").asBoolean()).isTrue();
            assertThat(run.get("rows_read").asLong()).isEqualTo(rows);
            assertThat(run.get("imported").asLong()).isEqualTo(rows);
            assertThat(run.get("skipped_existing").asLong()).isZero();
            assertThat(run.get("rejected").asLong()).as(run::toPrettyString).isZero();

            HttpResponse<String> health = get(child, base, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(json(health.body()).get("status").asText()).isEqualTo("ok");
            // The upload went through the spool directory, and the finished import removed its copy.
            Path spool = tmp.resolve("orderkpi-imports");
            await("spool file removed").atMost(Duration.ofSeconds(10)).until(() -> {
                try (Stream<Path> files = Files.list(spool)) {
                    return files.findAny().isEmpty();
                }
            });
        }
    }

    /**
     * RELIABILITY R9: SIGTERM while the demo orders are being imported and processed stops HTTP,
     * drains the workers within the grace period and exits 0. The wait for the exit is bounded by
     * the grace plus room for a slow JVM on a busy machine; the child must end on its own (no
     * SIGKILL) for the test to pass.
     */
    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Process.destroy() sends SIGTERM only on Unix")
    void sigtermDrainsAndExitsZero() throws Exception {
        int grace = 5;
        List<String> jvm = List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Djava.io.tmpdir=" + dir);
        Map<String, String> env = Map.of(ServerConfig.SHUTDOWN_GRACE_SECONDS, Integer.toString(grace),
                ServerConfig.WORKERS, "4", ServerConfig.SIM_SEED, "7");
        try (ChildJvm child = ChildJvm.start(dir, jvm, env, "serve", "--port", "0", "--demo", "2000")) {
            // The line comes after the shutdown hook is set: a SIGTERM before it would exit 143.
            URI base = child.awaitListening(START);
            assertThat(get(child, base, "/health").statusCode()).isEqualTo(200);
            // Signal once the demo import exists, so that the workers have orders in hand.
            await("demo import").atMost(START).pollInterval(Duration.ofMillis(50)).until(
                    () -> json(get(child, base, "/api/v1/imports").body()).get("data").get("imports").size() > 0);

            child.process().destroy();

            boolean exited = child.process().waitFor(grace + 20L, TimeUnit.SECONDS);
            assertThat(exited).as(child::log).isTrue();
            assertThat(child.process().exitValue()).as(child::log).isZero();
            assertThat(child.stderr()).contains("Stopping: the workers take no new job and HTTP closes (grace " + grace + " s)",
                    "Stopped on signal");
        }
    }

    /**
     * SPEC §9: the server refuses a non-loopback bind without a token. ServerConfigTest checks the
     * message and OrderKpiCliTest the exit status of {@code execute}; only a real process shows
     * that {@code main} exits with 1 and that the real stderr, log output included, is that one
     * line and nothing else.
     */
    @Test
    void refusesANonLoopbackBindWithoutAToken() throws Exception {
        // The production log level (this module's test resources lower it to warn).
        List<String> jvm = List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        try (ChildJvm child = ChildJvm.start(dir, jvm, Map.of(ServerConfig.BIND, "0.0.0.0"), "serve", "--port", "0")) {
            assertThat(child.process().waitFor(START.toSeconds(), TimeUnit.SECONDS)).as(child::log).isTrue();
            assertThat(child.process().exitValue()).as(child::log).isEqualTo(1);
            assertThat(child.stderr().lines().toList()).as(child::log).singleElement(
                    InstanceOfAssertFactories.STRING).startsWith("error: ORDERKPI_BIND: ");
            assertThat(child.stdout()).isEmpty();
        }
    }

    private static HttpResponse<String> get(ChildJvm child, URI base, String path) {
        return child.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static JsonNode json(String body) throws IOException {
        return Json.MAPPER.readTree(body);
    }

    /**
     * Valid CSV orders about 1 KiB wide: six item groups with long product names, quoted because
     * they hold commas, quotes and non-ASCII letters. Wide rows keep the row count near 50,000
     * for 50 MiB, so the test spends its time moving bytes rather than on per-row work.
     */
    static final class WideOrders {

        private static final String[] STATUSES = {"pending", "paid", "failed", "reserved", "refunded",
            "partially_refunded"};
        private static final int ITEM_GROUPS = 6;
        private static final String NAME_TAIL = " - brushed steel, walnut handle, café edition;"
                + " ships flat-packed with tools and spare fittings";

        private WideOrders() {
        }

        /** Writes rows until the file holds at least {@code minBytes}; returns the number of rows. */
        static long write(Path file, long minBytes) throws IOException {
            StringBuilder header = new StringBuilder(
                    "order_number,customer_id,customer_name,customer_email,status,total_amount,currency");
            for (int g = 1; g <= ITEM_GROUPS; g++) {
                header.append(",item").append(g).append("_product_id,item").append(g).append("_product_name,item")
                        .append(g).append("_sku,item").append(g).append("_quantity,item").append(g)
                        .append("_unit_price");
            }
            header.append('\n');
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                byte[] bytes = header.toString().getBytes(StandardCharsets.UTF_8);
                out.write(bytes);
                long written = bytes.length;
                long rows = 0;
                while (written < minBytes) {
                    bytes = row(rows).getBytes(StandardCharsets.UTF_8);
                    out.write(bytes);
                    written += bytes.length;
                    rows++;
                }
                return rows;
            }
        }

        private static String row(long n) {
            StringBuilder items = new StringBuilder();
            long totalCents = 0;
            for (int g = 0; g < ITEM_GROUPS; g++) {
                long product = (n * 7 + g * 131) % 10_000;
                int quantity = 1 + (int) ((n + g) % 3);
                long priceCents = 199 + (n * 13 + g * 37) % 9_800;
                totalCents += quantity * priceCents;
                String name = "Workshop \"Wide\" stool no. " + product + NAME_TAIL;
                items.append(",P-").append(product)
                        .append(",\"").append(name.replace("\"", "\"\"")).append('"')
                        .append(",SKU-").append(product).append("-WD")
                        .append(',').append(quantity)
                        .append(',').append(money(priceCents));
            }
            long customer = n % 4_999;
            return "WIDE-" + n + ",C-" + customer + ",Customer " + customer + ",customer" + customer
                    + "@example.com," + STATUSES[(int) (n % STATUSES.length)] + ',' + money(totalCents) + ",USD"
                    + items + '\n';
        }

        private static String money(long cents) {
            return cents / 100 + "." + (cents % 100 < 10 ? "0" : "") + cents % 100;
        }
    }
}
