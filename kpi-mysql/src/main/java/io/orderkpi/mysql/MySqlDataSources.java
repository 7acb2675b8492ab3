package io.orderkpi.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.core.lang.Nullable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/** Connection pools configured the way the record store needs them. */
public final class MySqlDataSources {

    /**
     * Driver properties the store relies on: multi-row batched inserts, utf8mb4 on the wire (4-byte
     * characters kept), no client-side time zone conversion of the UTC {@code DATETIME}s, and
     * session state kept locally so setting the isolation level costs no round trip, and several
     * statements in one query, so an outbox append and its commit cost one round trip (values are
     * always bound, never spliced into SQL); a commit the server has already done is not sent again;
     * the parse of each statement's SQL cached per connection.
     */
    private static final Map<String, String> REQUIRED = Map.ofEntries(
            Map.entry("rewriteBatchedStatements", "true"),
            Map.entry("allowMultiQueries", "true"),
            Map.entry("useLocalTransactionState", "true"),
            Map.entry("characterEncoding", "UTF-8"),
            Map.entry("connectionTimeZone", "UTC"),
            Map.entry("forceConnectionTimeZoneToSession", "false"),
            Map.entry("useLocalSessionState", "true"),
            Map.entry("allowPublicKeyRetrieval", "true"),
            Map.entry("connectTimeout", "5000"),
            Map.entry("socketTimeout", "60000"),
            // The driver parses every statement's SQL on each prepare unless it caches the parse:
            // a seventh of a workflow worker's CPU went to that (JFR, 3,000 orders).
            Map.entry("cachePrepStmts", "true"),
            Map.entry("prepStmtCacheSize", "250"),
            Map.entry("prepStmtCacheSqlLimit", "2048"));

    private MySqlDataSources() {
    }

    /** The driver properties {@link #pool} sets; set them on a pool of your own too. */
    public static Map<String, String> requiredProperties() {
        return REQUIRED;
    }

    /**
     * The driver property that lets imports store their rows with {@code LOAD DATA LOCAL INFILE}
     * (about twice as fast on the server as {@code INSERT}s): {@code allowLoadLocalInfileInPath}
     * naming a directory of this process's own, created on first use (owner-only, removed at exit
     * when empty). The driver sends a server files from that directory only, never others. Set it
     * on a pool of your own too; without it imports use multi-row {@code INSERT}s, as they do when
     * the server has {@code local_infile} off. Empty (with a warning in the log) when the
     * directory cannot be created, say on a read-only temporary directory.
     */
    public static Map<String, String> bulkLoadProperties() {
        Path directory = BulkLoadDirectory.PATH;
        return directory == null ? Map.of() : Map.of("allowLoadLocalInfileInPath", directory.toString());
    }

    /** Created once, when first asked for; null when it cannot be. */
    private static final class BulkLoadDirectory {
        static final @Nullable Path PATH = createBulkLoadDirectory(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** A new owner-only directory for LOAD DATA files under {@code parent}, or null when it cannot be made. */
    static @Nullable Path createBulkLoadDirectory(Path parent) {
        try {
            // Owner-only on POSIX file systems: no other user can plant a file the driver would send.
            Path directory = Files.createTempDirectory(parent, "orderkpi-load-").toRealPath();
            directory.toFile().deleteOnExit();
            return directory;
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger(MySqlDataSources.class).warn("Cannot create a directory for LOAD DATA files "
                    + "under {} ({}): imports store their rows with multi-row INSERTs", parent, e.toString());
            return null;
        }
    }

    /**
     * A HikariCP pool for {@code jdbcUrl} ({@code jdbc:mysql://host:3306/orderkpi}) with the
     * {@link #requiredProperties()}, READ COMMITTED, and a 5 s connection timeout so an outage is
     * reported quickly instead of hanging callers, and the {@link #bulkLoadProperties()}. The
     * caller closes it.
     */
    public static HikariDataSource pool(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:mysql:")) {
            throw new IllegalArgumentException("ORDERKPI_MYSQL_URL must be a MySQL JDBC URL starting with "
                    + "jdbc:mysql:// (for example jdbc:mysql://127.0.0.1:3306/orderkpi): " + jdbcUrl);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("orderkpi-mysql");
        config.setMaximumPoolSize(16);
        config.setConnectionTimeout(5_000);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setAutoCommit(true);
        // Start even when the database is down: the store reports it per call and recovers.
        config.setInitializationFailTimeout(-1);
        REQUIRED.forEach(config::addDataSourceProperty);
        bulkLoadProperties().forEach(config::addDataSourceProperty);
        return new HikariDataSource(config);
    }
}
