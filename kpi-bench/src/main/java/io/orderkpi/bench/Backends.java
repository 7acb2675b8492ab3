package io.orderkpi.bench;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The MySQL and Redis servers the workloads measure on, found in the order the tests use:
 * {@code ORDERKPI_BENCH_MYSQL_URL} (a JDBC URL naming the server and an account that may create
 * and drop databases, such as {@code jdbc:mysql://db:3306/?user=bench&password=secret}) else
 * root without a password on {@code 127.0.0.1:3306}; {@code ORDERKPI_BENCH_REDIS_URL} else
 * {@code redis://127.0.0.1:6379}. A server that does not answer makes the workload
 * {@code not run}, never a number. Each workload takes a database or key prefix of its own and
 * removes it afterwards, so runs sharing a server never see each other's data.
 */
final class Backends {

    static final String MYSQL_VARIABLE = "ORDERKPI_BENCH_MYSQL_URL";
    static final String REDIS_VARIABLE = "ORDERKPI_BENCH_REDIS_URL";
    private static final String LOCAL_MYSQL = "jdbc:mysql://127.0.0.1:3306/?user=root";
    private static final String LOCAL_REDIS = "redis://127.0.0.1:6379";
    private static final String RUN_ID = LocalDateTime.now(ZoneOffset.UTC)
            .format(DateTimeFormatter.ofPattern("MMddHHmmss", Locale.ROOT))
            + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    private static final AtomicInteger NEXT = new AtomicInteger();

    private Backends() {
    }

    /** A back-end that is not there: the workload reports {@code not run} with this message. */
    static final class Unreachable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The MySQL server's URL without a database, from the environment or the local default. */
    static String mysqlServerUrl() {
        String url = System.getenv(MYSQL_VARIABLE);
        return url == null || url.isBlank() ? LOCAL_MYSQL : url.strip();
    }

    static String redisUrl() {
        String url = System.getenv(REDIS_VARIABLE);
        return url == null || url.isBlank() ? LOCAL_REDIS : url.strip();
    }

    /** A fresh, empty database on the MySQL server; closing it drops it. */
    static MySqlDatabase newDatabase() {
        String server = mysqlServerUrl();
        String name = "okpi_bench_" + RUN_ID + "_" + NEXT.incrementAndGet();
        try (Connection connection = connect(server); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            String version = connection.getMetaData().getDatabaseProductVersion();
            return new MySqlDatabase(server, name, version);
        } catch (SQLException e) {
            throw new Unreachable("MySQL at " + redacted(server) + " not reachable (set " + MYSQL_VARIABLE + "): "
                    + e.getMessage(), e);
        }
    }

    /** The MySQL server's version string ({@code 10.11.6-MariaDB-...}), for the notes; checks that it answers. */
    static String mysqlVersion() {
        try (MySqlDatabase probe = newDatabase()) {
            return probe.version();
        }
    }

    /** A Redis client on the server, checked with a PING; the caller shuts it down. */
    static RedisClient redisClient() {
        String url = redisUrl();
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(Duration.ofSeconds(10));
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().ping();
            return client;
        } catch (RuntimeException e) {
            client.shutdown();
            throw new Unreachable("Redis at " + redacted(url) + " not reachable (set " + REDIS_VARIABLE + "): "
                    + e.getMessage(), e);
        }
    }

    /** A key prefix no other run uses. */
    static String newRedisPrefix() {
        return "okpi-bench-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Deletes every key under {@code prefix:} in bounded SCAN steps. */
    static void deleteKeys(RedisCommands<String, String> redis, String prefix) {
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + ":*").limit(1_000));
            if (!page.getKeys().isEmpty()) {
                redis.unlink(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(withParameter(url, "connectTimeout=5000"));
    }

    static String withParameter(String url, String parameter) {
        return url + (url.contains("?") ? "&" : "?") + parameter;
    }

    /** The URL without its password, for messages. */
    static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//[^/@]*:[^/@]*@", "//***@");
    }

    /**
     * A database of its own on the server.
     *
     * @param serverUrl the server's JDBC URL without a database
     * @param name      the database
     * @param version   the server's version string ({@code 10.11.6-MariaDB-...})
     */
    record MySqlDatabase(String serverUrl, String name, String version) implements AutoCloseable {

        /** The JDBC URL of this database, with the server URL's account and parameters. */
        String url() {
            URI uri = URI.create(serverUrl.substring("jdbc:".length()));
            String query = uri.getRawQuery();
            return "jdbc:mysql://" + uri.getRawAuthority() + "/" + name + (query == null ? "" : "?" + query);
        }

        /** Drops the database; a failure is printed, not thrown, so it never hides the measurement's own. */
        @Override
        public void close() {
            try (Connection connection = connect(serverUrl); Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS `" + name + "`");
            } catch (SQLException e) {
                System.err.println("kpi-bench: could not drop database " + name + ": " + e.getMessage());
            }
        }
    }
}
