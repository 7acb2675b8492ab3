package io.orderkpi.mysql;

import io.orderkpi.core.spi.ImportRecords;
import io.orderkpi.core.spi.NotificationRecords;
import io.orderkpi.core.spi.OrderRecords;
import io.orderkpi.core.spi.Outbox;
import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.core.spi.RefundRecords;
import java.time.Clock;
import java.util.Objects;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * A {@link RecordStore} on MySQL 8.0 or MariaDB 10.11+: the durable system of record, shared by
 * every server process that uses the same database.
 *
 * <p>Each atomic step of the SPI is one READ COMMITTED transaction: a status change is a
 * compare-and-set {@code UPDATE … WHERE status = ?} plus the append of its events; an import
 * chunk stores its orders (multi-row batched inserts, skip-existing by the unique order number),
 * items, events, rejected rows and the import's progress in one transaction; a refund locks its
 * order row. A deadlock reruns the step. How the outbox never skips an event that commits after
 * a later sequence is described on the outbox view and in {@code docs/mysql.md}.
 *
 * <p>Thread-safe. Timestamps come from the given clock at microsecond precision and are stored as
 * UTC, whatever the session or JVM time zone. A database that cannot be reached makes every
 * method throw {@link io.orderkpi.core.lang.StoreUnavailableException}. {@link #close()} closes the
 * data source when the store was built by {@link #open}; a data source handed in stays the
 * caller's.
 */
public final class MySqlRecordStore implements RecordStore {

    private final OrderRecords orders;
    private final ImportRecords imports;
    private final RefundRecords refunds;
    private final Outbox outbox;
    private final NotificationRecords notifications;
    private final AutoCloseable owned;

    private MySqlRecordStore(DataSource dataSource, Clock clock, AutoCloseable owned) {
        Db db = new Db(Jdbi.create(dataSource), clock, "MySQL record store");
        MySqlOutbox outboxView = new MySqlOutbox(db);
        MySqlImports importsView = new MySqlImports(db);
        this.outbox = outboxView;
        this.imports = importsView;
        this.orders = new MySqlOrders(db, outboxView, importsView);
        this.refunds = new MySqlRefunds(db, outboxView);
        this.notifications = new MySqlNotifications(db);
        this.owned = owned;
    }

    /**
     * A store on the caller's data source, after bringing its schema to the current version as
     * {@code migration} says. The data source should be a pool with the connection properties of
     * {@link MySqlDataSources#requiredProperties()}.
     */
    public static MySqlRecordStore on(DataSource dataSource, Clock clock, SchemaMigration migration) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(clock, "clock");
        MySqlSchema.apply(dataSource, migration);
        return new MySqlRecordStore(dataSource, clock, () -> { });
    }

    /** A store on the caller's data source with the system clock, migrating the schema if needed. */
    public static MySqlRecordStore on(DataSource dataSource) {
        return on(dataSource, Clock.systemUTC(), SchemaMigration.AUTO);
    }

    /**
     * A store with a connection pool of its own (see {@link MySqlDataSources#pool}), closed with
     * the store.
     */
    public static MySqlRecordStore open(String jdbcUrl, String user, String password, Clock clock,
            SchemaMigration migration) {
        var pool = MySqlDataSources.pool(jdbcUrl, user, password);
        try {
            MySqlSchema.apply(pool, migration);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new MySqlRecordStore(pool, clock, pool);
    }

    @Override
    public OrderRecords orders() {
        return orders;
    }

    @Override
    public ImportRecords imports() {
        return imports;
    }

    @Override
    public RefundRecords refunds() {
        return refunds;
    }

    @Override
    public Outbox outbox() {
        return outbox;
    }

    @Override
    public NotificationRecords notifications() {
        return notifications;
    }

    @Override
    public void close() {
        try {
            owned.close();
        } catch (Exception e) {
            throw new IllegalStateException("Closing the MySQL record store's pool failed: " + e.getMessage(), e);
        }
    }
}
