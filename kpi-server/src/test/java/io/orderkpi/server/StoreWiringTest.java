package io.orderkpi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.core.lang.StoreUnavailableException;
import java.net.ConnectException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** How /ready names a database: its address without the account, and the innermost cause. */
class StoreWiringTest {

    @Test
    void theAddressOfAUrlLeavesOutSchemeAccountAndParameters() {
        assertThat(StoreWiring.address("jdbc:mysql://127.0.0.1:3306/orderkpi?user=root&password=secret"))
                .isEqualTo("127.0.0.1:3306/orderkpi");
        assertThat(StoreWiring.address("jdbc:mysql://app:secret@db.example:3307/kpi")).isEqualTo("db.example:3307/kpi");
        assertThat(StoreWiring.address("redis://:secret@cache:6379/2")).isEqualTo("cache:6379/2");
        assertThat(StoreWiring.address("rediss://user:p%40ss@cache:6380")).isEqualTo("cache:6380");
    }

    @Test
    void theReasonIsTheInnermostMessageFirstLine() {
        var refused = new ConnectException("Connection refused");
        var link = new java.sql.SQLNonTransientConnectionException("Communications link failure\n\nThe last packet",
                refused);
        var pool = new SQLTransientConnectionException("orderkpi-mysql - Connection is not available", link);
        var store = new StoreUnavailableException("MySQL record store", "MySQL record store unavailable", pool);

        assertThat(StoreWiring.rootReason(store)).isEqualTo("Connection refused");
        assertThat(StoreWiring.rootReason(new StoreUnavailableException("x", "first\nsecond", new RuntimeException())))
                .isEqualTo("first");
    }
}
