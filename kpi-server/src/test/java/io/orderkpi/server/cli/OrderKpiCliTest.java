package io.orderkpi.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.TestServers;
import io.orderkpi.server.http.Json;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.TestTags;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process. */
@Tag(TestTags.LOCATED_SERVER)
class OrderKpiCliTest {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private OrderKpiCli cli(Map<String, String> env) {
        return new OrderKpiCli(env, dir, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void serveDemoShowsRevenueOfTheLastWeekWithinAMinute() throws Exception {
        AtomicReference<OrderKpiServer> started = new AtomicReference<>();
        OrderKpiCli cli = cli(Map.of("ORDERKPI_WORKERS", "4", "ORDERKPI_SHUTDOWN_GRACE_SECONDS", "2",
                "ORDERKPI_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/ignored-in-demo")).onServerStarted(started::set);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> cli.execute("serve", "--demo", "300", "--port", "0"));
        await().atMost(Duration.ofSeconds(30)).until(() -> started.get() != null || exit.isDone());
        OrderKpiServer server = started.get();
        assertThat(server).as(err.toString()).isNotNull();
        try {
            LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode kpis = Json.MAPPER.readTree(TestServers.get(server, "/api/v1/analytics/daily/" + yesterday)
                        .body()).get("data").get("kpis");
                return kpis.get("total_revenue").decimalValue().signum() > 0;
            });
            assertThat(out.toString()).contains("OrderKPI listening on " + server.uri())
                    .contains("Dashboard: " + server.uri() + "/");
        } finally {
            server.close();
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aUsageErrorExitsWith2AndOneLine() {
        int status = cli(Map.of()).execute("serve", "--port", "abc");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1).first().asString().startsWith("error: ");
        assertThat(cli(Map.of()).execute("no-such-command")).isEqualTo(2);
    }

    @Test
    void aBadConfigurationExitsWith1AndNamesTheKey() {
        int status = cli(Map.of("ORDERKPI_PORT", "abc")).execute("serve");

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: ORDERKPI_PORT: not a port number 'abc'" + System.lineSeparator());
    }

    @Test
    void dbMigrateSaysWhatItNeedsAndWhyTheDatabaseCannotBeReached() {
        assertThat(cli(Map.of()).execute("db", "migrate")).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: ORDERKPI_MYSQL_URL is not set").hasLineCount(1);

        err.getBuffer().setLength(0);
        assertThat(cli(Map.of("ORDERKPI_MYSQL_URL", "jdbc:mysql://127.0.0.1:1/orderkpi?password=dbpass1"))
                .execute("db", "migrate")).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: db migrate: MySQL unavailable").hasLineCount(1)
                .doesNotContain("dbpass1");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void dbMigrateCreatesTheSchemaAndThenFindsItUpToDate() {
        String url = MYSQL.newDatabase();

        assertThat(cli(Map.of("ORDERKPI_MYSQL_URL", url)).execute("db", "migrate")).isZero();
        assertThat(out.toString()).startsWith("Applied ").contains("the schema is up to date");
        out.getBuffer().setLength(0);
        assertThat(cli(Map.of("ORDERKPI_MYSQL_URL", url)).execute("db", "migrate")).isZero();
        assertThat(out.toString()).isEqualTo("The schema is up to date." + System.lineSeparator());
    }

    @Test
    void configPrintShowsTheEffectiveConfigurationWithSecretsRedacted() {
        int status = cli(Map.of("ORDERKPI_API_TOKEN", TestServers.API_TOKEN, "ORDERKPI_SMTP_PASSWORD", "hunter2",
                "ORDERKPI_WORKERS", "12")).execute("config", "print");

        assertThat(status).isZero();
        assertThat(out.toString()).contains("ORDERKPI_API_TOKEN=****", "ORDERKPI_SMTP_PASSWORD=****",
                "ORDERKPI_WORKERS=12", "ORDERKPI_PORT=8088", "ORDERKPI_READ_TOKEN=\n")
                .doesNotContain(TestServers.API_TOKEN, "hunter2");
    }

    @Test
    void generateSampleWritesTheFileAndSaysSo() throws IOException {
        int status = cli(Map.of()).execute("orders", "generate-sample", "25", "sample.csv", "--seed", "3", "--days", "2");

        assertThat(status).isZero();
        assertThat(Files.readAllLines(dir.resolve("sample.csv"))).hasSizeGreaterThanOrEqualTo(26);
        assertThat(out.toString()).startsWith("Wrote 25 sample orders over 2 days (seed 3) to ");
    }

    @Test
    void helpWorksEverywhere() {
        assertThat(cli(Map.of()).execute("--help")).isZero();
        assertThat(cli(Map.of()).execute("serve", "--help")).isZero();
        assertThat(cli(Map.of()).execute("orders", "generate-sample", "--help")).isZero();
        assertThat(out.toString()).contains("serve", "generate-sample", "--demo");
    }

    @Test
    void configPrintAndStartUpErrorsNeverShowAPasswordInsideAUrl() {
        Map<String, String> env = Map.of("ORDERKPI_MYSQL_URL", "jdbc:mysql://127.0.0.1:1/okpi?password=dbpass1",
                "ORDERKPI_REDIS_URL", "redis://:redispass@127.0.0.1:6379/0");

        assertThat(cli(env).execute("config", "print")).isZero();
        assertThat(cli(env).execute("serve", "--port", "0")).isEqualTo(1);

        assertThat(out.toString()).contains("ORDERKPI_MYSQL_URL=jdbc:mysql://127.0.0.1:1/okpi?password=****\n",
                "ORDERKPI_REDIS_URL=redis://:****@127.0.0.1:6379/0\n");
        assertThat(err.toString()).startsWith("error: ").hasLineCount(1);
        assertThat(out.toString() + err.toString()).doesNotContain("dbpass1", "redispass");
    }

    @Test
    void aNonPositiveDemoCountAndAnImpossibleDateAreUsageErrorsInPlainWords() {
        assertThat(cli(Map.of()).execute("serve", "--demo", "0")).isEqualTo(2);
        assertThat(cli(Map.of()).execute("serve", "--demo", "-1")).isEqualTo(2);
        assertThat(cli(Map.of()).execute("analytics", "backfill", "--from", "2025-02-30")).isEqualTo(2);

        assertThat(err.toString()).contains("error: --demo: not a positive number of orders '0' (see --help)",
                "error: --demo: not a positive number of orders '-1' (see --help)",
                "not a date of the form YYYY-MM-DD: '2025-02-30'").doesNotContain("Exception", "java.");
    }
}
