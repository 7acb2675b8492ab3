package io.orderkpi.mysql;

import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.testkit.MySqlServerExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One migrated database per test class, on the server of a {@link MySqlServerExtension}, with a pool, emptied before each test: creating and migrating a database per test
 * would cost a second or two each.
 *
 * <pre>{@code
 * @RegisterExtension static final MySqlServerExtension MYSQL = MySqlServerExtension.create();
 * @RegisterExtension static final TestDatabase DATABASE = new TestDatabase(MYSQL);
 * }</pre>
 */
final class TestDatabase implements BeforeAllCallback, BeforeEachCallback {

    private static final List<String> TABLES = List.of("orders", "order_items", "imports", "import_rejected_rows",
            "refunds", "notifications", "outbox_events", "outbox_checkpoints", "outbox_delivered",
            "outbox_dead_letters", "leases", "jobs", "failed_jobs", "job_queues", "job_throughput", "job_waits");

    /** The database of a class and its pool, closed with the outermost class context. */
    private record Created(String url, HikariDataSource pool, HikariDataSource otherPool) implements AutoCloseable {
        @Override
        public void close() {
            pool.close();
            otherPool.close();
        }
    }

    private final MySqlServerExtension server;
    private volatile Created created;

    TestDatabase(MySqlServerExtension server) {
        this.server = server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // JUnit does not promise to call the server's extension first; starting it is idempotent.
        server.beforeAll(context);
        // Nested classes find the outer class's entry: one database for the whole class.
        created = context.getStore(ExtensionContext.Namespace.create(TestDatabase.class))
                .getOrComputeIfAbsent("database", key -> {
                    String url = server.newDatabase();
                    HikariDataSource pool = MySqlDataSources.pool(url, server.user(), server.password());
                    MySqlSchema.apply(pool, SchemaMigration.AUTO);
                    return new Created(url, pool, MySqlDataSources.pool(url, server.user(), server.password()));
                }, Created.class);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        empty();
    }

    String url() {
        return created.url();
    }

    HikariDataSource dataSource() {
        return created.pool();
    }

    /** A second pool on the same database: the connections another process would have. */
    HikariDataSource otherPool() {
        return created.otherPool();
    }

    /**
     * A lease on a fresh back-end for {@code LeaseContract}: the {@code leases} table emptied, as
     * a lost or restored database would leave it, so the time floor of new tokens is what keeps
     * them growing.
     */
    MySqlLease freshLease() {
        jdbi().useHandle(handle -> handle.execute("DELETE FROM leases"));
        return MySqlLease.on(dataSource(), SchemaMigration.VALIDATE);
    }

    /** A lease client on {@link #otherPool()}, as another process would have. */
    MySqlLease leaseOfAnotherProcess() {
        return MySqlLease.on(otherPool(), SchemaMigration.OFF);
    }

    Jdbi jdbi() {
        return Jdbi.create(created.pool());
    }

    /** A store on the database with the system clock; the schema must be current. */
    MySqlRecordStore store() {
        return MySqlRecordStore.on(dataSource(), Clock.systemUTC(), SchemaMigration.VALIDATE);
    }

    /** Removes every record, as if the schema had just been created (ids and sequences go on). */
    void empty() {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                statement.execute("DELETE FROM " + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot empty the test database " + url() + ": " + e.getMessage(), e);
        }
    }
}
