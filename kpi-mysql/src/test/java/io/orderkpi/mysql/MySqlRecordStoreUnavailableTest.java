package io.orderkpi.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.lang.StoreUnavailableException;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A database that cannot be reached is reported as unavailable, never as a raw driver error. */
class MySqlRecordStoreUnavailableTest {

    /** A local port nothing listens on: taken, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A read and a transaction; each waits out the pool's 5 s connection timeout. */
    @Test
    void callsThrowStoreUnavailableNamingMySqlWhenTheDatabaseIsDown() throws IOException {
        String url = "jdbc:mysql://127.0.0.1:" + closedPort() + "/orderkpi";
        try (MySqlRecordStore store = MySqlRecordStore.open(url, "root", "", Clock.systemUTC(), SchemaMigration.OFF)) {
            assertThatThrownBy(() -> store.orders().get(1))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("MySQL");
            assertThatThrownBy(() -> store.outbox().markDelivered("analytics", 1, List.of(1L)))
                    .isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void startingWithAutomaticMigrationAgainstADownDatabaseSaysItIsUnavailable() throws IOException {
        String url = "jdbc:mysql://127.0.0.1:" + closedPort() + "/orderkpi";

        assertThatThrownBy(() -> MySqlRecordStore.open(url, "root", "", Clock.systemUTC(), SchemaMigration.AUTO))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("MySQL");
    }

    @Test
    void aUrlThatIsNotMySqlIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> MySqlDataSources.pool("jdbc:postgresql://localhost/orderkpi", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ORDERKPI_MYSQL_URL").hasMessageContaining("jdbc:mysql://");
        assertThat(MySqlDataSources.requiredProperties()).containsEntry("rewriteBatchedStatements", "true");
    }
}
