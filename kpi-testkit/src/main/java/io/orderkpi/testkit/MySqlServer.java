package io.orderkpi.testkit;

import io.orderkpi.core.lang.Nullable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A MySQL-compatible server tests may use: where it is, the account, and how to stop it when the
 * run owns it. Thread-safe once {@link #probe()} has run.
 */
final class MySqlServer implements AutoCloseable {

    /** Connection properties every URL gets unless the user's URL sets them. */
    private static final List<String> DEFAULT_PARAMETERS = List.of("allowPublicKeyRetrieval=true",
            "connectTimeout=5000");

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    /** Extra URL parameters without user and password, {@code a=1&b=2}, possibly empty. */
    private final String parameters;
    private final String kind;
    private final @Nullable AutoCloseable stopper;
    private volatile String version = "unknown version";

    MySqlServer(String host, int port, String user, String password, String parameters, String kind,
            @Nullable AutoCloseable stopper) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.parameters = parameters;
        this.kind = kind;
        this.stopper = stopper;
    }

    /**
     * A server named by a JDBC URL: {@code jdbc:mysql://host[:port][/database][?user=..&password=..&...]}
     * ({@code jdbc:mariadb:} is read the same way). The database is ignored.
     *
     * @throws IllegalArgumentException naming what is wrong with the URL
     */
    static MySqlServer fromUrl(String url, String kind) {
        String rest;
        if (url.startsWith("jdbc:mysql://")) {
            rest = url.substring("jdbc:mysql://".length());
        } else if (url.startsWith("jdbc:mariadb://")) {
            rest = url.substring("jdbc:mariadb://".length());
        } else {
            throw new IllegalArgumentException("a MySQL JDBC URL must start with jdbc:mysql:// : " + url);
        }
        String query = "";
        int question = rest.indexOf('?');
        if (question >= 0) {
            query = rest.substring(question + 1);
            rest = rest.substring(0, question);
        }
        int slash = rest.indexOf('/');
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        String hostPart = authority;
        int port = 3306;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0) {
            hostPart = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the port of " + url + " is not a number", e);
            }
        }
        if (hostPart.isEmpty()) {
            throw new IllegalArgumentException("no host in " + url);
        }
        String user = "root";
        String password = "";
        List<String> others = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (pair.startsWith("user=")) {
                user = pair.substring("user=".length());
            } else if (pair.startsWith("password=")) {
                password = pair.substring("password=".length());
            } else if (!pair.isEmpty()) {
                others.add(pair);
            }
        }
        return new MySqlServer(hostPart, port, user, password, String.join("&", others), kind, null);
    }

    /** Whether something accepts TCP connections at the address, within half a second. */
    boolean isListening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Logs in and reads the server's version.
     *
     * @return {@code null} when the server can be used, else why not
     */
    @Nullable String probe() {
        try (Connection connection = connect(""); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT VERSION()")) {
            result.next();
            version = result.getString(1);
            return null;
        } catch (SQLException e) {
            return e.getMessage() + " (" + address() + ", user " + user + ")";
        }
    }

    /** A connection to {@code database}, or to no database when it is empty. */
    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database));
    }

    /** The JDBC URL of {@code database} on this server, with the account in its parameters. */
    String url(String database) {
        StringBuilder url = new StringBuilder("jdbc:mysql://").append(address()).append('/').append(database)
                .append("?user=").append(user);
        if (!password.isEmpty()) {
            url.append("&password=").append(password);
        }
        if (!parameters.isEmpty()) {
            url.append('&').append(parameters);
        }
        for (String parameter : DEFAULT_PARAMETERS) {
            String name = parameter.substring(0, parameter.indexOf('=') + 1);
            if (!parameters.startsWith(name) && !parameters.contains("&" + name)) {
                url.append('&').append(parameter);
            }
        }
        return url.toString();
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** For messages: {@code 10.11.19-MariaDB at 127.0.0.1:3306 (local server)}. */
    String description() {
        return version + " at " + address() + " (" + kind + ")";
    }

    private String address() {
        return host + ":" + port;
    }

    /** Stops the server when the run started it; a server found running is left alone. */
    @Override
    public void close() throws Exception {
        if (stopper != null) {
            stopper.close();
        }
    }
}
