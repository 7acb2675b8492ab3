package io.orderkpi.mysql;

import io.orderkpi.core.spi.Lease;
import io.orderkpi.core.spi.LeaseGrant;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A {@link Lease} on MySQL 8.0 or MariaDB 10.11+: one row per name in the {@code leases} table
 * with its holder, fencing token and expiry, shared by every process that uses the database.
 *
 * <p>Each call is one short transaction that locks the name's row ({@code SELECT … FOR UPDATE}),
 * so of concurrent acquirers exactly one wins; nothing stays locked between calls. Expiry is the
 * server's {@code UTC_TIMESTAMP(6)}, never the caller's clock. Rows are never deleted: a new
 * acquisition takes a token above the row's last one and above the server's current time in
 * microseconds, so tokens grow across releases, expiries and restarts, and even after the table
 * was emptied (a token derived from the time exceeds every earlier one). Holders are compared
 * exactly, in Java (a {@code VARCHAR} comparison would ignore trailing spaces).
 *
 * <p>Thread-safe. A database that cannot be reached throws
 * {@link io.orderkpi.core.lang.StoreUnavailableException}.
 */
public final class MySqlLease implements Lease {

    /** A lease row as it stands: who holds it with which token, and whether it is unexpired. */
    private record Row(String holder, long token, boolean live) {
    }

    /** The server's time in microseconds since the epoch: the floor of a new token. */
    private static final String NOW_MICROS = "CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED)";

    /** The longest lease the table takes: a century, far past any use, well inside DATETIME. */
    private static final long MAX_MICROS = Duration.ofDays(36_500).toNanos() / 1_000;

    private final Db db;

    private MySqlLease(DataSource dataSource) {
        this.db = new Db(Jdbi.create(dataSource), Clock.systemUTC(), "MySQL lease");
    }

    /**
     * A lease on the caller's data source, after bringing the schema (shared with
     * {@link MySqlRecordStore}) to the current version as {@code migration} says.
     */
    public static MySqlLease on(DataSource dataSource, SchemaMigration migration) {
        Objects.requireNonNull(dataSource, "dataSource");
        MySqlSchema.apply(dataSource, migration);
        return new MySqlLease(dataSource);
    }

    @Override
    public Optional<LeaseGrant> acquire(String name, String holder, Duration duration) {
        Lease.checkNames(name, holder);
        Lease.checkDuration(duration);
        return db.inTransaction(handle -> {
            handle.createUpdate("INSERT IGNORE INTO leases (name, holder, token, expires_at) "
                    + "VALUES (:name, '', 0, '1970-01-01 00:00:00')").bind("name", name).execute();
            Row row = lock(handle, name).orElseThrow();
            if (row.live() && !row.holder().equals(holder)) {
                return Optional.<LeaseGrant>empty();
            }
            if (row.live()) {
                extend(handle, name, duration);
                return Optional.of(new LeaseGrant(name, holder, row.token()));
            }
            handle.createUpdate("UPDATE leases SET holder = :holder, "
                    + "token = GREATEST(token + 1, " + NOW_MICROS + "), "
                    + "expires_at = UTC_TIMESTAMP(6) + INTERVAL :micros MICROSECOND WHERE name = :name")
                    .bind("holder", holder).bind("micros", micros(duration)).bind("name", name).execute();
            long token = handle.createQuery("SELECT token FROM leases WHERE name = :name").bind("name", name)
                    .mapTo(Long.class).one();
            return Optional.of(new LeaseGrant(name, holder, token));
        });
    }

    @Override
    public boolean renew(LeaseGrant grant, Duration duration) {
        Objects.requireNonNull(grant, "grant");
        Lease.checkDuration(duration);
        return db.inTransaction(handle -> {
            if (!holds(handle, grant)) {
                return false;
            }
            extend(handle, grant.name(), duration);
            return true;
        });
    }

    @Override
    public boolean release(LeaseGrant grant) {
        Objects.requireNonNull(grant, "grant");
        return db.inTransaction(handle -> {
            if (!holds(handle, grant)) {
                return false;
            }
            // Expired at once; the row keeps its token, so the next acquisition's is greater.
            handle.createUpdate("UPDATE leases SET expires_at = '1970-01-01 00:00:00' WHERE name = :name")
                    .bind("name", grant.name()).execute();
            return true;
        });
    }

    @Override
    public Optional<LeaseGrant> current(String name) {
        Objects.requireNonNull(name, "name");
        return db.read(handle -> handle.createQuery("SELECT holder, token FROM leases "
                + "WHERE name = :name AND expires_at > UTC_TIMESTAMP(6)").bind("name", name)
                .map((row, context) -> new LeaseGrant(name, row.getString("holder"), row.getLong("token")))
                .findOne());
    }

    /** Whether the grant's lease is unexpired with its holder and token; locks the row until commit. */
    private static boolean holds(Handle handle, LeaseGrant grant) {
        return lock(handle, grant.name())
                .filter(row -> row.live() && row.holder().equals(grant.holder()) && row.token() == grant.token())
                .isPresent();
    }

    private static Optional<Row> lock(Handle handle, String name) {
        return handle.createQuery("SELECT holder, token, expires_at > UTC_TIMESTAMP(6) AS live FROM leases "
                + "WHERE name = :name FOR UPDATE").bind("name", name)
                .map((row, context) -> new Row(row.getString("holder"), row.getLong("token"), row.getBoolean("live")))
                .findOne();
    }

    private static void extend(Handle handle, String name, Duration duration) {
        handle.createUpdate("UPDATE leases SET expires_at = UTC_TIMESTAMP(6) + INTERVAL :micros MICROSECOND "
                + "WHERE name = :name").bind("micros", micros(duration)).bind("name", name).execute();
    }

    /** At least one microsecond, the column's resolution, and at most {@link #MAX_MICROS}. */
    private static long micros(Duration duration) {
        if (duration.compareTo(Duration.ofNanos(MAX_MICROS * 1_000)) > 0) {
            return MAX_MICROS;
        }
        return Math.max(1, duration.toNanos() / 1_000);
    }
}
