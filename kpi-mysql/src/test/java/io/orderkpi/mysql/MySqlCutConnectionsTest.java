package io.orderkpi.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.TestTags;
import io.orderkpi.testkit.TcpProxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections cut under a busy pool (a TCP proxy in this JVM closes them all): every call that
 * fails says the store is unavailable, so callers retry it, and none reports a broken store
 * ("failed"), whichever JDBC call the cut hits; once the proxy accepts again the store works
 * without being reopened.
 */
@Tag(TestTags.LOCATED_SERVER)
class MySqlCutConnectionsTest {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    private static final Pattern URL = Pattern.compile("jdbc:mysql://([^:/]+):(\\d+)/(.*)");

    @Test
    void callsHitByACutSayUnavailableAndTheStoreWorksAgainWhenTheNetworkIsBack() throws Exception {
        String database = MYSQL.newDatabase();
        Matcher url = URL.matcher(database);
        assertThat(url.matches()).isTrue();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (TcpProxy proxy = TcpProxy.start(url.group(1), Integer.parseInt(url.group(2)));
                HikariDataSource pool = MySqlDataSources.pool("jdbc:mysql://127.0.0.1:" + proxy.port() + "/"
                        + url.group(3), null, null)) {
            MySqlRecordStore store = MySqlRecordStore.on(pool, Clock.systemUTC(), SchemaMigration.AUTO);
            MySqlLease lease = MySqlLease.on(pool, SchemaMigration.OFF);
            List<Throwable> failures = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                // Eight callers keep transactions and reads going while the cut comes.
                List<Future<List<Throwable>>> running = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    running.add(callers.submit(() -> calls(store, lease, 40)));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> proxy.openConnections() > 0);
                proxy.cut();
                proxy.restore();
                for (Future<List<Throwable>> caller : running) {
                    failures.addAll(caller.get());
                }
            }

            assertThat(failures).as("failures of calls hit by a cut").isNotEmpty().allSatisfy(failure -> assertThat(failure)
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining(" unavailable"));
            await("the store works again").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(calls(store, lease, 5)).isEmpty());
        } finally {
            callers.shutdownNow();
        }
    }

    /** Transactions and reads, each failure kept. */
    private static List<Throwable> calls(MySqlRecordStore store, MySqlLease lease, int count) {
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try {
                store.outbox().pending("analytics", 10);
                store.orders().get(1);
                // A lease of its own per thread: only the cut may make it fail.
                lease.acquire("cut-" + Thread.currentThread().getName(), "test", Duration.ofMinutes(1));
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        return failures;
    }
}
