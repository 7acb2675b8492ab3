package io.orderkpi.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.orderkpi.server.http.Route;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/openapi.yaml must describe every route the server registers, and nothing it does not. */
class OpenApiDocumentTest {

    @TempDir
    Path dir;

    @Test
    void describesExactlyTheRoutesTheServerRegisters() throws Exception {
        JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(Path.of("..", "docs", "openapi.yaml").toFile());
        assertThat(document.path("openapi").asText()).startsWith("3.");
        TreeSet<String> described = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                described.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }

        List<String> registered = new ArrayList<>();
        try (OrderKpiServer server = TestServers.start(dir, Map.of())) {
            for (Route route : server.routes()) {
                registered.add(route.method() + " " + route.template());
            }
        }

        assertThat(registered).isNotEmpty();
        assertThat(described).containsAll(registered);
        assertThat(described).as("documented but not served (remove, or build them)")
                .isSubsetOf(registered);
    }
}
