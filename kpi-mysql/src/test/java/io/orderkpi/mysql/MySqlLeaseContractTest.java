package io.orderkpi.mysql;

import io.orderkpi.core.spi.Lease;
import io.orderkpi.testkit.LeaseContract;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.TestTags;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lease contract, unchanged, on the server {@link MySqlServerExtension#create()} finds. Each
 * {@link #newLease()} is a fresh back-end: the {@code leases} table emptied (as a lost or restored
 * database would leave it), so the time floor of new tokens is what keeps them growing. Another
 * process is a client on a pool of its own.
 */
@Tag(TestTags.LOCATED_SERVER)
class MySqlLeaseContractTest extends LeaseContract {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    @RegisterExtension
    static final TestDatabase DATABASE = new TestDatabase(MYSQL);

    @Override
    protected Lease newLease() {
        return DATABASE.freshLease();
    }

    @Override
    protected Lease anotherProcess(Lease lease) {
        return DATABASE.leaseOfAnotherProcess();
    }
}
