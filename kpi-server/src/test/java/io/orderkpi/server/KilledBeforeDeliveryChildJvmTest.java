package io.orderkpi.server;

import static io.orderkpi.server.RecordsOracle.FINAL;
import static io.orderkpi.server.RecordsOracle.count;
import static io.orderkpi.server.RecordsOracle.countWhere;
import static io.orderkpi.server.RecordsOracle.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.core.analytics.Analytics;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.core.spi.LeaseGrant;
import io.orderkpi.mysql.MySqlDataSources;
import io.orderkpi.mysql.MySqlLease;
import io.orderkpi.mysql.MySqlRecordStore;
import io.orderkpi.mysql.SchemaMigration;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.TestTags;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 "Killed between a commit and the relay's delivery" (RELIABILITY R3): a server JVM on
 * MySQL records with its KPIs in memory is killed with SIGKILL while the outbox holds events it
 * committed and never delivered; started again, it delivers them, and every KPI equals a
 * recomputation, nothing counted twice.
 *
 * <p>The undelivered state is made certain, not raced for, the way a second process makes it:
 * the test holds the analytics relay's lease ({@code outbox:analytics}, in the MySQL lease
 * table) while the first server runs, so that server commits the workflow's events but may not
 * deliver them. The test lets the lease go only after the kill.
 */
@Tag(TestTags.LOCATED_SERVER)
@Tag(TestTags.CHILD_JVM)
class KilledBeforeDeliveryChildJvmTest {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    private static final Duration START = Duration.ofSeconds(60);
    private static final int ORDERS = 300;

    @TempDir
    Path dir;

    private final Instant now = Instant.now();

    private ChildJvm serve(String database) throws IOException {
        Map<String, String> env = Map.of(ServerConfig.MYSQL_URL, database, ServerConfig.WORKERS, "8",
                ServerConfig.CLAIM_IDLE_SECONDS, "3");
        return ChildJvm.start(dir, List.of("-Xmx256m", "-Djava.io.tmpdir=" + dir), env, "serve", "--port", "0");
    }

    @Test
    void eventsCommittedButNotDeliveredWhenKilledAreDeliveredAfterTheRestartAndCountedOnce() throws Exception {
        String database = MYSQL.newDatabase();
        Path csv = dir.resolve("orders.csv");
        SampleOrders.write(csv, SampleOrders.Options.builder().count(ORDERS).seed(31).days(3).now(now).build());
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        String verify = "/api/v1/analytics/verify?start_date=" + today.minusDays(4) + "&end_date=" + today;
        try (HikariDataSource pool = MySqlDataSources.pool(database, null, null)) {
            MySqlLease lease = MySqlLease.on(pool, SchemaMigration.AUTO);
            MySqlRecordStore records = MySqlRecordStore.on(pool, Clock.systemUTC(), SchemaMigration.OFF);
            LeaseGrant held = lease.acquire("outbox:" + Analytics.SUBSCRIBER, "test-holding-the-relay",
                    Duration.ofMinutes(10)).orElseThrow();

            int pendingAtKill;
            try (ChildJvm first = serve(database)) {
                URI base = first.awaitListening(START);
                first.upload(base, csv, "process=true");
                await("orders through the workflow").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                        .until(() -> count(database, "SELECT COUNT(*) FROM outbox_events WHERE type IN"
                                + " ('OrderCompleted', 'OrderFailed') AND order_id IN (SELECT order_id FROM"
                                + " outbox_events WHERE type = 'OrderProcessStarted')"), finished -> finished >= 50);
                // Committed and not delivered: the KPIs in this process lag the records.
                assertThat(first.data(base, verify).get("differences")).isNotEmpty();
                first.assertAlive();
                first.process().destroyForcibly();
                assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
            pendingAtKill = records.outbox().pending(Analytics.SUBSCRIBER, 100_000).size();
            assertThat(pendingAtKill).as("events committed and never delivered to analytics").isPositive()
                    .isEqualTo(count(database, "SELECT COUNT(*) FROM outbox_events"));
            assertThat(lease.release(held)).isTrue();

            try (ChildJvm second = serve(database)) {
                URI base = second.awaitListening(START);
                await("every order final").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(countWhere(database, "status NOT IN " + in(FINAL))).isZero());
                await("every event delivered to analytics").atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> records.outbox().pending(Analytics.SUBSCRIBER, 1).isEmpty());
                await("KPIs equal to a recomputation").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertThat(second.data(base, verify).get("differences"))
                                .as(second::log).isEmpty());
                RecordsOracle.assertEachOrderDoneOnce(database, ORDERS);
                second.assertAlive();
            }
        }
    }
}
