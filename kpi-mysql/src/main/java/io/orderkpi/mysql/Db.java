package io.orderkpi.mysql;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.lang.OrderKpiException;
import io.orderkpi.core.lang.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.jdbi.v3.core.transaction.UnableToManipulateTransactionIsolationLevelException;

/**
 * The plumbing every view shares: transactions (READ COMMITTED, retried on deadlock), error
 * translation, UTC instants with microseconds. Thread-safe.
 */
final class Db {

    /** A deadlock or lock wait ends the whole transaction; it is run again up to this often. */
    private static final int ATTEMPTS = 10;
    private static final int ER_DUP_ENTRY = 1062;
    private static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    private static final int ER_LOCK_DEADLOCK = 1213;
    private static final int ER_OPTION_PREVENTS_STATEMENT = 1290; // read-only server (failover)

    final Jdbi jdbi;
    private final Clock clock;
    /** What errors name: "MySQL record store", "MySQL lease", "MySQL job store". */
    private final String what;

    Db(Jdbi jdbi, Clock clock, String what) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.what = what;
    }

    /** The store's clock, to the microsecond the columns keep, so what a write returns is what a read gives. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** The last instant a {@code DATETIME(6)} column holds. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    static @Nullable Instant microsOrNull(@Nullable Instant instant) {
        return instant == null ? null : micros(instant);
    }

    /** {@code DATETIME(6)} literal text: what the column stores, nothing to convert. */
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS",
            Locale.ROOT);

    /**
     * Binds an instant as a UTC {@code DATETIME(6)}. It is sent as literal text: no session or JVM
     * time zone applies, no DST gap of the JVM's zone can shift it (as {@code java.sql.Timestamp}
     * would), and the microseconds arrive even from a driver that takes MariaDB's {@code 5.5.5-}
     * version prefix for a server without fractional seconds (mysql-connector-j drops them then).
     */
    static Argument at(@Nullable Instant instant) {
        return (position, statement, context) -> {
            if (instant == null) {
                statement.setNull(position, Types.TIMESTAMP);
            } else {
                statement.setString(position, datetime(instant));
            }
        };
    }

    static @Nullable Instant instant(ResultSet row, String column) throws SQLException {
        LocalDateTime value = row.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    static Instant requiredInstant(ResultSet row, String column) throws SQLException {
        Instant value = instant(row, column);
        if (value == null) {
            throw new SQLException("column " + column + " is NULL");
        }
        return value;
    }

    /** Binds one row of a {@link #batch}. */
    @FunctionalInterface
    interface RowBinder<T> {
        void bind(PreparedStatement statement, T row) throws SQLException;
    }

    /**
     * Thrown by a step that lost a race it can only win by starting again (a unique key taken by a
     * transaction that committed meanwhile): {@link #inTransaction} rolls back and reruns the step.
     */
    static final class Conflict extends RuntimeException {
        Conflict(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** A driver failure of {@link #batch}, translated like Jdbi's own. */
    static final class BatchFailure extends RuntimeException {
        BatchFailure(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * Runs one statement over {@code rows} as a JDBC batch with positional parameters, on the
     * handle's connection (inside its transaction). The driver rewrites it into multi-row
     * statements; plain JDBC because binding a thousand rows by name costs more CPU than the
     * server spends storing them.
     */
    static <T> void batch(Handle handle, String sql, List<T> rows, RowBinder<T> binder) {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = handle.getConnection().prepareStatement(sql)) {
            for (T row : rows) {
                binder.bind(statement, row);
                statement.addBatch();
            }
            statement.executeBatch();
        } catch (SQLException e) {
            throw new BatchFailure(e);
        }
    }

    /**
     * Runs {@code statements} (positional parameters, {@code parameters} across them in order) and
     * commits: the last statements of the handle's transaction. On a connection that allows
     * multi-statement queries they and the commit go as one query, so the row locks they take are
     * held only while the server runs them; elsewhere they run one by one and the caller's commit
     * ends the transaction.
     */
    static void runAndCommit(Handle handle, List<String> statements, Object... parameters) {
        try {
            if (allowsMultiQueries(handle)) {
                try (PreparedStatement statement = handle.getConnection().prepareStatement(
                        String.join(";", statements) + ";COMMIT")) {
                    for (int i = 0; i < parameters.length; i++) {
                        statement.setObject(i + 1, parameters[i]);
                    }
                    statement.execute();
                }
                return;
            }
            int next = 0;
            for (String sql : statements) {
                try (PreparedStatement statement = handle.getConnection().prepareStatement(sql)) {
                    int count = statement.getParameterMetaData().getParameterCount();
                    for (int i = 0; i < count; i++) {
                        statement.setObject(i + 1, parameters[next++]);
                    }
                    statement.execute();
                }
            }
        } catch (SQLException e) {
            throw new BatchFailure(e);
        }
    }

    /** Whether the connection runs several statements sent as one ({@code allowMultiQueries}). */
    static boolean allowsMultiQueries(Handle handle) {
        try {
            Connection connection = handle.getConnection();
            return connection.isWrapperFor(JdbcConnection.class) && connection.unwrap(JdbcConnection.class)
                    .getPropertySet().getBooleanProperty(PropertyKey.allowMultiQueries).getValue();
        } catch (SQLException e) {
            return false;
        }
    }

    /** The text {@link #at} sends, for {@link #batch} binders. */
    static String datetime(Instant instant) {
        return DATETIME.format(LocalDateTime.ofInstant(micros(instant), ZoneOffset.UTC));
    }

    /**
     * Runs {@code step} in one READ COMMITTED transaction. A deadlock or lock wait timeout rolls
     * it back and runs it again (so a step must have no effect outside the database); other
     * failures roll back and are thrown as the store's exceptions.
     */
    <T> T inTransaction(HandleCallback<T, RuntimeException> step) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, step);
            } catch (JdbiException | BatchFailure | Conflict e) {
                if (attempt < ATTEMPTS && (e instanceof Conflict || isRetryable(e))) {
                    backOff(attempt);
                    continue;
                }
                throw translate(e);
            }
        }
    }

    /** Runs {@code step} on a connection in autocommit mode (single reads). */
    <T> T read(HandleCallback<T, RuntimeException> step) {
        try {
            return jdbi.withHandle(step);
        } catch (JdbiException | BatchFailure e) {
            throw translate(e);
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt + 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("Interrupted while retrying a MySQL transaction", e);
        }
    }

    static boolean isDuplicateKey(Throwable e) {
        SQLException sql = sqlCause(e);
        return sql != null && sql.getErrorCode() == ER_DUP_ENTRY;
    }

    private static boolean isRetryable(Throwable e) {
        SQLException sql = sqlCause(e);
        return sql != null && (sql.getErrorCode() == ER_LOCK_DEADLOCK || sql.getErrorCode() == ER_LOCK_WAIT_TIMEOUT
                || "40001".equals(sql.getSQLState()));
    }

    static boolean isLockWaitTimeout(Throwable e) {
        SQLException sql = sqlCause(e);
        return sql != null && sql.getErrorCode() == ER_LOCK_WAIT_TIMEOUT;
    }

    private static @Nullable SQLException sqlCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    /** HikariCP's answer to any call on a connection it evicted as broken: no SQL state, this message. */
    private static boolean isClosedByPool(Throwable cause) {
        return cause instanceof SQLException sql && sql.getSQLState() == null
                && "Connection is closed".equals(sql.getMessage());
    }

    /**
     * A failure to reach the database (or one that only time can cure: a read-only server, locks
     * still held after every retry) is {@link StoreUnavailableException}, which callers retry;
     * anything else is a bug or a broken schema and says so.
     */
    RuntimeException translate(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnableToManipulateTransactionIsolationLevelException || isClosedByPool(cause)) {
                // The connection died under the call: the pool had already closed it when the
                // next JDBC call came (Jdbi's isolation level is one), and says so without an SQL state.
                return new StoreUnavailableException(what, what + " unavailable: the connection was lost ("
                        + cause.getMessage() + ")", e);
            }
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof SQLRecoverableException) {
                return new StoreUnavailableException(what, what + " unavailable: " + cause.getMessage(), e);
            }
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                if ((state != null && state.startsWith("08")) || isRetryable(sql)
                        || sql.getErrorCode() == ER_OPTION_PREVENTS_STATEMENT) {
                    return new StoreUnavailableException(what, what + " unavailable: " + sql.getMessage(), e);
                }
            }
        }
        return new OrderKpiException(what + " failed: " + e.getMessage(), e);
    }
}
