package io.orderkpi.mysql;

import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.RecordStoreContract;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The record store contract, unchanged, on the server {@link MySqlServerExtension#create()} finds. */
class MySqlRecordStoreContractTest extends RecordStoreContract {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    private static TestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.create(MYSQL);
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @Override
    protected RecordStore newStore() {
        database.empty();
        return MySqlRecordStore.on(database.dataSource(), Clock.systemUTC(), SchemaMigration.VALIDATE);
    }
}
