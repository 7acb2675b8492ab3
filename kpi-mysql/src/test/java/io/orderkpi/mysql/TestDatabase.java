package io.orderkpi.mysql;

import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.testkit.MySqlServerExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * One migrated database of {@link MySqlServerExtension} with a pool, emptied between tests: creating
 * and migrating a database per test would cost a second or two each.
 */
final class TestDatabase implements AutoCloseable {

    private static final List<String> TABLES = List.of("orders", "order_items", "imports", "import_rejected_rows",
            "refunds", "notifications", "outbox_events", "outbox_checkpoints", "outbox_delivered",
            "outbox_dead_letters");

    private final String url;
    private final HikariDataSource pool;

    private TestDatabase(String url, HikariDataSource pool) {
        this.url = url;
        this.pool = pool;
    }

    /** A new database on the extension's server with the current schema. */
    static TestDatabase create(MySqlServerExtension mysql) {
        String url = mysql.newDatabase();
        HikariDataSource pool = MySqlDataSources.pool(url, mysql.user(), mysql.password());
        MySqlSchema.apply(pool, SchemaMigration.AUTO);
        return new TestDatabase(url, pool);
    }

    String url() {
        return url;
    }

    HikariDataSource dataSource() {
        return pool;
    }

    Jdbi jdbi() {
        return Jdbi.create(pool);
    }

    /** Removes every record, as if the schema had just been created (ids and sequences go on). */
    void empty() {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                statement.execute("DELETE FROM " + table);
            }
            statement.execute("UPDATE outbox_fence SET safe_upto = 0, passed_at = '1970-01-01 00:00:00'");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot empty the test database " + url + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
