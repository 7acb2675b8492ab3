package io.orderkpi.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory the driver may send LOAD DATA files from. */
class BulkLoadDirectoryTest {

    @Test
    void isOwnerOnlyAndEmpty(@TempDir Path parent) throws Exception {
        Path directory = MySqlDataSources.createBulkLoadDirectory(parent);

        assertThat(directory).isDirectory().isEmptyDirectory().hasParent(parent.toRealPath());
        assertThat(directory.getFileName().toString()).startsWith("orderkpi-load-");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
    }

    @Test
    void isNoneWhereItCannotBeMade(@TempDir Path parent) throws Exception {
        Path file = Files.writeString(parent.resolve("a-file"), "not a directory");

        assertThat(MySqlDataSources.createBulkLoadDirectory(file.resolve("below"))).isNull();
        assertThat(MySqlDataSources.createBulkLoadDirectory(parent.resolve("missing"))).isNull();
    }

    @Test
    void thePoolsPropertyNamesTheProcesssDirectory() {
        assertThat(MySqlDataSources.bulkLoadProperties()).containsOnlyKeys("allowLoadLocalInfileInPath")
                .hasEntrySatisfying("allowLoadLocalInfileInPath", value -> assertThat(Path.of(value)).isDirectory());
    }
}
