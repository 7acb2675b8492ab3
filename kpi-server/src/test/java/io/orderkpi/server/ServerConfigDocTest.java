package io.orderkpi.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/deploy.md's configuration table is the table of ServerConfig, row for row. */
class ServerConfigDocTest {

    private static final String START = "<!-- config-table:start";
    private static final String END = "<!-- config-table:end -->";

    @Test
    void theDeployGuideListsEveryKeyAsTheTableDefinesIt() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "deploy.md"));
        int start = doc.indexOf('\n', doc.indexOf(START)) + 1;
        int end = doc.indexOf(END);

        assertThat(doc.substring(start, end)).isEqualTo(ServerConfig.documentationTable());
    }

    @Test
    void everyKeyIsInTheGeneratedTableWithItsDefault() {
        String table = ServerConfig.documentationTable();

        assertThat(ServerConfig.keys()).allSatisfy(key -> assertThat(table)
                .contains("| `" + key.name() + "` | " + key.shownDefault() + " | " + key.doc()));
        assertThat(table.lines().count()).isEqualTo(ServerConfig.keys().size() + 2L);
    }
}
