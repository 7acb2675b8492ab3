package io.orderkpi.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.testkit.MySqlServerExtension;
import io.orderkpi.testkit.TestTags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@link BulkLoad} lets through and what it refuses, on a table of its own. */
@Tag(TestTags.LOCATED_SERVER)
class BulkLoadTest {

    @RegisterExtension
    static final MySqlServerExtension MYSQL = MySqlServerExtension.create();

    @RegisterExtension
    static final TestDatabase DATABASE = new TestDatabase(MYSQL);

    private final BulkLoad bulkLoad = new BulkLoad();

    @BeforeEach
    void probeTable() {
        DATABASE.jdbi().useHandle(handle -> {
            handle.execute("CREATE TABLE IF NOT EXISTS bulk_probe (k VARCHAR(3) NOT NULL PRIMARY KEY, n INT NOT NULL) "
                    + "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            handle.execute("DELETE FROM bulk_probe");
        });
    }

    private static BulkLoad.Tsv rows(Object... keysAndNumbers) {
        BulkLoad.Tsv rows = new BulkLoad.Tsv();
        for (int i = 0; i < keysAndNumbers.length; i += 2) {
            rows.field((String) keysAndNumbers[i]).field((Integer) keysAndNumbers[i + 1]).endRow();
        }
        return rows;
    }

    private long load(Handle handle, BulkLoad.Tsv rows, long skippable) {
        Path directory = bulkLoad.directory(handle);
        assertThat(directory).as("the pool's directory").isNotNull();
        return bulkLoad.load(handle, directory, "bulk_probe", "k, n", rows, skippable);
    }

    private static List<String> keys(Handle handle) {
        return handle.createQuery("SELECT k FROM bulk_probe ORDER BY n").mapTo(String.class).list();
    }

    @Test
    void storesEveryRowAndSkipsNoMoreExistingKeysThanAllowed() {
        DATABASE.jdbi().useHandle(handle -> {
            handle.execute("INSERT INTO bulk_probe VALUES ('old', 0)");

            assertThat(load(handle, rows("a", 1, "old", 2, "b", 3, "a", 4), 2)).isEqualTo(2);
            assertThat(keys(handle)).containsExactly("old", "a", "b");
            assertThat(handle.createQuery("SELECT n FROM bulk_probe WHERE k = 'a'").mapTo(Integer.class).one())
                    .as("the first row of a key wins").isEqualTo(1);
        });
    }

    @Test
    void oneSkippedRowMoreThanAllowedFailsTheLoad() {
        DATABASE.jdbi().useHandle(handle -> {
            handle.execute("INSERT INTO bulk_probe VALUES ('old', 0)");

            assertThatThrownBy(() -> load(handle, rows("a", 1, "old", 2, "a", 3), 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stored 1 of 3 rows").hasMessageContaining("at most 1");
        });
    }

    @Test
    void aValueTheServerWouldChangeFailsTheLoad() {
        DATABASE.jdbi().useHandle(handle -> {
            // One character too long for VARCHAR(3): LOCAL turns the error into a truncation warning.
            assertThatThrownBy(() -> load(handle, rows("xy", 1, "wxyz", 2), 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stored 2 of 2 rows with 1 warnings");
        });
    }

    @Test
    void aValueExactlyAtTheColumnsLengthIsStored() {
        DATABASE.jdbi().useHandle(handle -> {
            assertThat(load(handle, rows("abc", 1, "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00", 2), 0)).isEqualTo(2);
            assertThat(keys(handle)).containsExactly("abc", "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00");
        });
    }

    @Test
    void leavesNoFileBehind() throws Exception {
        DATABASE.jdbi().useHandle(handle -> {
            load(handle, rows("a", 1), 0);
            assertThatThrownBy(() -> load(handle, rows("abcd", 2), 0)).isInstanceOf(IllegalStateException.class);
        });
        Path directory = Path.of(MySqlDataSources.bulkLoadProperties().get("allowLoadLocalInfileInPath"));
        try (var files = Files.list(directory)) {
            assertThat(files.filter(file -> file.getFileName().toString().startsWith("bulk_probe-"))).isEmpty();
        }
    }

    @Test
    void aConnectionWithoutADirectoryHasNoBulkLoad() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(DATABASE.url());
        MySqlDataSources.requiredProperties().forEach(config::addDataSourceProperty);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            assertThat(Jdbi.create(pool).withHandle(bulkLoad::directory)).isNull();
        }
        assertThat(DATABASE.jdbi().withHandle(bulkLoad::directory)).isNotNull();
    }

    @Test
    void writesLoadDatasEscapesAndNothingElse() {
        BulkLoad.Tsv rows = new BulkLoad.Tsv().field("a\tb\\c\nd\re\0f\"g'h").field(-7).endRow().field("").field(0)
                .endRow();

        assertThat(new String(rows.bytes(), StandardCharsets.UTF_8))
                .isEqualTo("a\\tb\\\\c\\nd\\re\\0f\"g'h\t-7\n\t0\n");
        assertThat(rows.count()).isEqualTo(2);
    }
}
