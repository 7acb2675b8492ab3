package io.orderkpi.server.dashboard;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real server with known data and one browser for a test class, the page opened afresh (with
 * an empty session) before each test. Register it as a static {@code @RegisterExtension} field.
 */
final class DashboardPage implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private final Map<String, String> env;
    private final Consumer<OrderKpi> data;
    private Path dir;
    OrderKpiServer server;
    Browser browser;
    /** Where the browser saves downloads. */
    Path downloads;

    /**
     * @param env  the server's configuration on top of the test defaults
     * @param data what to put into the server before the browser starts
     */
    DashboardPage(Map<String, String> env, Consumer<OrderKpi> data) {
        this.env = env;
        this.data = data;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("orderkpi-dashboard-");
        server = TestServers.start(dir, env);
        data.accept(server.kpi());
        downloads = Files.createDirectories(dir.resolve("downloads"));
        browser = Browser.start(1280, 1000, downloads);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        browser.open(server.uri());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
