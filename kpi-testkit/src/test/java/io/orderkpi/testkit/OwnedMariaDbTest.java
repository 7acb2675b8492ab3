package io.orderkpi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static io.orderkpi.testkit.EmbeddedMariaDbTest.query;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A MariaDB the test owns goes down and comes back on the same port with its data. */
class OwnedMariaDbTest {

    @Test
    void stopsRefusingConnectionsAndStartsAgainOnTheSamePortWithItsData() throws SQLException {
        try (OwnedMariaDb db = OwnedMariaDb.start()) {
            String url = db.newDatabase();
            assertThat(url).contains("127.0.0.1:" + db.port() + "/").doesNotContain(":3306/");
            try (Connection connection = DriverManager.getConnection(url);
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE kept (name VARCHAR(10)) ENGINE=InnoDB");
                statement.execute("INSERT INTO kept VALUES ('before')");
            }

            db.stop();

            assertThatThrownBy(() -> query(url, "SELECT 1")).isInstanceOf(SQLException.class);

            db.startAgain();

            assertThat(query(url, "SELECT name FROM kept")).isEqualTo("before");
            assertThat(query(url, "SELECT @@port")).isEqualTo(Integer.toString(db.port()));
        }
    }
}
