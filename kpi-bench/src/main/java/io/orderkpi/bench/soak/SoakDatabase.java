package io.orderkpi.bench.soak;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak's own database on a MySQL server: created empty, dropped at the end. The server's
 * connections to it are counted from the server's side ({@code information_schema.PROCESSLIST}),
 * so the figure does not depend on what the pool reports about itself; this class's own
 * connection opens no database and is never counted.
 */
final class SoakDatabase implements AutoCloseable {

    /** {@code jdbc:mysql://host[:port]/[database][?parameters]}. */
    private static final Pattern URL = Pattern.compile("(jdbc:mysql://[^/?]+)(/[^?]*)?(\\?.*)?");

    private final Connection admin;
    private final String name;
    private final String url;

    private SoakDatabase(Connection admin, String name, String url) {
        this.admin = admin;
        this.name = name;
        this.url = url;
    }

    static SoakDatabase create(String serverUrl) throws SQLException {
        Matcher matcher = URL.matcher(serverUrl);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(SoakOptions.MYSQL_URL_VARIABLE
                    + ": expected jdbc:mysql://host:port/?user=..., not '" + serverUrl + "'");
        }
        String parameters = matcher.group(3) == null ? "" : matcher.group(3);
        String name = "okpi_soak_" + Long.toString(System.currentTimeMillis(), 36) + "_"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        Connection admin = DriverManager.getConnection(matcher.group(1) + "/" + parameters);
        try (Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        } catch (SQLException e) {
            admin.close();
            throw e;
        }
        return new SoakDatabase(admin, name, matcher.group(1) + "/" + name + parameters);
    }

    String name() {
        return name;
    }

    /** The JDBC URL that opens this database, for the server. */
    String url() {
        return url;
    }

    /** Connections open to this database right now, as the MySQL server counts them. */
    synchronized int connections() throws SQLException {
        try (PreparedStatement query = admin.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = ?")) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        try (Connection connection = admin; Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS `" + name + "`");
        }
    }
}
