package io.orderkpi.mysql;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import io.orderkpi.core.lang.Nullable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores rows with {@code LOAD DATA LOCAL INFILE}: about twice as fast on the server as multi-row
 * {@code INSERT}s of the same rows, and the client only writes text instead of binding every value.
 *
 * <p>The rows go through a file in the one directory the connection's driver may send files from
 * ({@code allowLoadLocalInfileInPath}, set by {@link MySqlDataSources#pool}): a server can ask a
 * client for any file, so the driver is never allowed more than that directory. A connection
 * without it, or a server with {@code local_infile} off (MySQL 8.0's default), makes
 * {@link #available} false, and the caller stores the rows with {@code INSERT}s instead.
 *
 * <p>{@code LOCAL} makes the server skip a row whose unique key exists (as {@code IGNORE}) and turn a
 * value it would reject into a warning: {@link #load} therefore counts the warnings and fails on any
 * that is not one per skipped row, so a value the server changed never passes silently.
 */
final class BulkLoad {

    private static final Logger LOG = LoggerFactory.getLogger(BulkLoad.class);
    /** MariaDB (and MySQL 5.7): "The used command is not allowed with this MariaDB version". */
    private static final int ER_NOT_ALLOWED_COMMAND = 1148;
    /** MySQL 8.0: "Loading local data is disabled; this must be enabled on both the client and server sides". */
    private static final int ER_CLIENT_LOCAL_FILES_DISABLED = 3948;
    /** MariaDB 10.6+: "… the MariaDB server or client has disabled the local infile capability". */
    private static final int ER_LOAD_INFILE_CAPABILITY_DISABLED = 4166;

    private final AtomicBoolean refusedByServer = new AtomicBoolean();

    /** The server refused {@code LOAD DATA LOCAL}; the step runs again and stores with INSERTs. */
    static final class Refused extends RuntimeException {
        Refused(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The directory this handle's connection may load files from, when it has one and the server allows it. */
    @Nullable Path directory(Handle handle) {
        if (refusedByServer.get()) {
            return null;
        }
        try {
            Connection connection = handle.getConnection();
            if (!connection.isWrapperFor(JdbcConnection.class)) {
                return null;
            }
            String allowed = connection.unwrap(JdbcConnection.class).getPropertySet()
                    .getStringProperty(PropertyKey.allowLoadLocalInfileInPath).getValue();
            if (allowed == null || allowed.isEmpty()) {
                return null;
            }
            Path directory = Path.of(allowed);
            // The file name goes into the statement as a literal: nothing in it may need escaping.
            return Files.isDirectory(directory) && !allowed.contains("'") && !allowed.contains("\\") ? directory : null;
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Loads {@code rows} into {@code table}'s {@code columns} on the handle's connection (inside
     * its transaction) and returns how many were stored. Rows whose unique key exists are skipped;
     * up to {@code skippable} of them may be, more fails.
     *
     * @throws Refused when the server does not allow {@code LOAD DATA LOCAL} (remembered: later
     *     calls of {@link #directory} answer null)
     */
    long load(Handle handle, Path directory, String table, String columns, Tsv rows, long skippable) {
        Path file = null;
        try {
            file = Files.createTempFile(directory, table + "-", ".tsv");
            Files.write(file, rows.bytes());
            Connection connection = handle.getConnection();
            try (Statement statement = connection.createStatement()) {
                long stored;
                try {
                    stored = statement.executeLargeUpdate("LOAD DATA LOCAL INFILE '" + file.toAbsolutePath()
                            + "' IGNORE INTO TABLE " + table + " CHARACTER SET utf8mb4 (" + columns + ")");
                } catch (SQLException e) {
                    if (isRefusal(e)) {
                        if (refusedByServer.compareAndSet(false, true)) {
                            LOG.warn("The MySQL server refuses LOAD DATA LOCAL INFILE ({}): imports store their rows "
                                    + "with multi-row INSERTs, about half as fast on the server. Set local_infile=ON "
                                    + "on the server for faster imports.", e.getMessage());
                        }
                        throw new Refused(e);
                    }
                    throw e;
                }
                long skipped = rows.count() - stored;
                long warnings = warningCount(statement);
                if (skipped < 0 || skipped > skippable || warnings != skipped) {
                    throw new IllegalStateException("LOAD DATA into " + table + " stored " + stored + " of "
                            + rows.count() + " rows with " + warnings + " warnings; at most " + skippable
                            + " rows may be skipped as existing, each with one warning, and no value changed");
                }
                return stored;
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write the rows for LOAD DATA to " + directory + ": "
                    + e.getMessage(), e);
        } catch (SQLException e) {
            throw new Db.BatchFailure(e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("Cannot delete {}: {}", file, e.getMessage());
                }
            }
        }
    }

    private static boolean isRefusal(SQLException e) {
        int code = e.getErrorCode();
        return code == ER_NOT_ALLOWED_COMMAND || code == ER_CLIENT_LOCAL_FILES_DISABLED
                || code == ER_LOAD_INFILE_CAPABILITY_DISABLED;
    }

    private static long warningCount(Statement statement) throws SQLException {
        try (ResultSet count = statement.executeQuery("SELECT @@warning_count")) {
            count.next();
            return count.getLong(1);
        }
    }

    /**
     * Rows in {@code LOAD DATA}'s default text format: fields separated by tabs, rows ended by a
     * line feed, a backslash escaping what would end a field or row (and itself), UTF-8.
     */
    static final class Tsv {
        private final StringBuilder text = new StringBuilder(64 * 1024);
        private boolean rowStarted;
        private long count;

        Tsv field(String value) {
            separate();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> text.append("\\\\");
                    case '\t' -> text.append("\\t");
                    case '\n' -> text.append("\\n");
                    case '\r' -> text.append("\\r");
                    // LOAD DATA reads "\0" as NUL; a NUL written as is would be read as is too, but
                    // escaping it keeps the file free of bytes that tools take for an end.
                    case '\0' -> text.append("\\0");
                    default -> text.append(c);
                }
            }
            return this;
        }

        Tsv field(long value) {
            separate();
            text.append(value);
            return this;
        }

        Tsv endRow() {
            text.append('\n');
            rowStarted = false;
            count++;
            return this;
        }

        private void separate() {
            if (rowStarted) {
                text.append('\t');
            }
            rowStarted = true;
        }

        long count() {
            return count;
        }

        byte[] bytes() {
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
