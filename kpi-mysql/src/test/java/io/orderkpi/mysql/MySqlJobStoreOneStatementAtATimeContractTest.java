package io.orderkpi.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.core.spi.JobStore;
import io.orderkpi.testkit.JobStoreContract;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.TestTags;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job store contract on a pool of the caller's without multi-statement queries: an ack's
 * writes then go one statement at a time and the transaction's own commit ends them, instead of
 * one query that commits (see {@code Db.runAndCommit}).
 */
@Tag(TestTags.LOCATED_SERVER)
class MySqlJobStoreOneStatementAtATimeContractTest extends JobStoreContract {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    @RegisterExtension
    static final TestDatabase DATABASE = new TestDatabase(MYSQL);

    private static HikariDataSource single;

    @BeforeAll
    static void openPoolWithoutMultiQueries() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(DATABASE.url());
        MySqlDataSources.requiredProperties().forEach(config::addDataSourceProperty);
        config.addDataSourceProperty("allowMultiQueries", "false");
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        single = new HikariDataSource(config);
    }

    @AfterAll
    static void closePool() {
        single.close();
    }

    @Override
    protected JobStore newStore(Clock clock) {
        return MySqlJobStore.on(single, clock, SchemaMigration.VALIDATE);
    }
}
