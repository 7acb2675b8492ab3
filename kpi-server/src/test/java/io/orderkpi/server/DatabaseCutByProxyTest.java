package io.orderkpi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.TestTags;
import io.orderkpi.testkit.TcpProxy;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 and RELIABILITY R5: the database cut off by a TCP proxy in this JVM, between the
 * server's connection pool and the test's database, for {@link DatabaseOutage#OUTAGE}: every
 * connection closed, new ones refused. The proxy owns the fault; the shared server is never
 * stopped. What must hold is {@link DatabaseOutage}'s.
 */
@Tag(TestTags.LOCATED_SERVER)
class DatabaseCutByProxyTest {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    private static final Pattern HOST_PORT = Pattern.compile("jdbc:mysql://([^:/]+):(\\d+)/.*");

    @TempDir
    Path dir;

    @Test
    void aCutDatabaseIsReportedAndTheServerRecoversByItselfWhenItIsBack() throws Exception {
        String database = MYSQL.newDatabase();
        Matcher target = HOST_PORT.matcher(database);
        assertThat(target.matches()).as(database).isTrue();
        try (TcpProxy proxy = TcpProxy.start(target.group(1), Integer.parseInt(target.group(2)))) {
            DatabaseOutage outage = new DatabaseOutage(dir, DatabaseOutage.throughPort(database, proxy.port()),
                    database);

            DatabaseOutage.Timings timings = outage.run(new DatabaseOutage.Fault() {
                @Override
                public void begin() {
                    proxy.cut();
                }

                @Override
                public void end() {
                    proxy.restore();
                }
            });

            assertThat(proxy.acceptedConnections()).as("connections made again after the cut")
                    .isGreaterThan(proxy.openConnections());
            System.out.println("DatabaseCutByProxyTest: " + timings);
        }
    }
}
