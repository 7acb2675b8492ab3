package io.orderkpi.mysql;

import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.RecordStoreContract;
import io.orderkpi.testkit.TestTags;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The record store contract, unchanged, on the server {@link MySqlServerExtension#create()} finds. */
@Tag(TestTags.LOCATED_SERVER)
class MySqlRecordStoreContractTest extends RecordStoreContract {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    @RegisterExtension
    static final TestDatabase DATABASE = new TestDatabase(MYSQL);

    @Override
    protected RecordStore newStore() {
        return DATABASE.store();
    }
}
