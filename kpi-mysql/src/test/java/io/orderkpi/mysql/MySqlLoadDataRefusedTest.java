package io.orderkpi.mysql;

import static io.orderkpi.testkit.TestImports.aChunk;
import static io.orderkpi.testkit.TestImports.anImport;
import static io.orderkpi.testkit.TestOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.core.imports.ChunkOutcome;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.order.Order;
import io.orderkpi.testkit.OwnedMariaDb;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A server with {@code local_infile} off (MySQL 8.0's default) refuses {@code LOAD DATA LOCAL}:
 * imports store their rows with INSERTs instead, exactly as many and the same. On a MariaDB of the
 * test's own, since the setting is the whole server's.
 */
class MySqlLoadDataRefusedTest {

    @Test
    void aServerWithoutLocalInfileGetsTheChunksByInsert() {
        try (OwnedMariaDb server = OwnedMariaDb.start("--local-infile=0");
                HikariDataSource pool = MySqlDataSources.pool(server.newDatabase(), "root", "");
                MySqlRecordStore store = MySqlRecordStore.on(pool, Clock.systemUTC(), SchemaMigration.AUTO)) {
            Order existing = store.orders().insert(anOrder("A-2").build(), List.of());
            ImportRun run = store.imports().create(anImport().build());

            ChunkOutcome first = store.orders().insertChunk(aChunk(run, 0)
                    .withOrders(anOrder("A-1").build(), anOrder("A-2").build(), anOrder("A-1").build()).build(),
                    order -> List.of());
            ChunkOutcome second = store.orders().insertChunk(aChunk(run, 1)
                    .withOrders(anOrder("A-3").build()).last().build(), order -> List.of());

            assertThat(first.applied()).isTrue();
            assertThat(first.inserted()).extracting(Order::orderNumber).containsExactly("A-1");
            assertThat(first.skipped()).containsExactly("A-2", "A-1");
            assertThat(second.inserted()).extracting(Order::orderNumber).containsExactly("A-3");
            assertThat(store.orders().byOrderNumber("A-1")).contains(first.inserted().get(0));
            assertThat(store.orders().byOrderNumber("A-2")).contains(existing);
            assertThat(second.run().state()).isEqualTo(ImportState.COMPLETED);
            assertThat(second.run().counters()).isEqualTo(new ImportCounters(4, 2, 2, 0));
        }
    }
}
