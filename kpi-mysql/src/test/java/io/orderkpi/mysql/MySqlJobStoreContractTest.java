package io.orderkpi.mysql;

import io.orderkpi.core.spi.JobStore;
import io.orderkpi.testkit.JobStoreContract;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.TestTags;
import java.time.Clock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job store contract, unchanged, on the server {@link MySqlServerExtension#create()} finds,
 * the two-engine tests included. The tables are emptied before each test, so every store the kit
 * builds starts empty; the two engines of a test share one store, as two processes share a
 * database.
 */
@Tag(TestTags.LOCATED_SERVER)
class MySqlJobStoreContractTest extends JobStoreContract {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    @RegisterExtension
    static final TestDatabase DATABASE = new TestDatabase(MYSQL);

    @Override
    protected JobStore newStore(Clock clock) {
        return MySqlJobStore.on(DATABASE.dataSource(), clock, SchemaMigration.VALIDATE);
    }
}
