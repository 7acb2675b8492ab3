package io.orderkpi.server.dashboard;

import static io.orderkpi.server.dashboard.DashboardData.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.ServerConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;

/**
 * {@code serve --demo}: live orders keep coming, a demo channel fails now and then, and every
 * panel has something to show. The test also takes the README's screenshots of the real page;
 * they are written to {@code docs/img} only when {@code -Dorderkpi.screenshots=<dir>} is given
 * (see docs/dashboard.md), else to the build directory.
 */
class DashboardDemoTest {

    static final String SCREENSHOTS = "orderkpi.screenshots";

    @TempDir
    Path dir;

    @Test
    void theDemoStaysAliveAndEveryPanelShowsSomething() throws IOException {
        ServerConfig config = ServerConfig.load(Map.of(ServerConfig.PORT, "0", ServerConfig.WORKERS, "4",
                ServerConfig.SHUTDOWN_GRACE_SECONDS, "2"), dir).withDemoOrders(1_500);
        Path out = Path.of(System.getProperty(SCREENSHOTS, "target/dashboard-screenshots"));
        Files.createDirectories(out);
        try (OrderKpiServer server = OrderKpiServer.start(config)) {
            // The trickle: today's orders keep growing after the sample import has settled.
            long before = awaitOrdersToday(server, 1);
            awaitOrdersToday(server, before + 3);
            // The flaky demo channel leaves failed notification jobs behind now and then.
            await().atMost(Duration.ofSeconds(90)).until(() -> server.kpi().jobs().failed("notifications", null, Long.MAX_VALUE, 500).items()
                    .stream().anyMatch(job -> job.lastError().contains("demo webhook")));

            try (Browser browser = Browser.start(1280, 1000)) {
                browser.driver.get(server.uri().toString());
                awaitEveryPanel(browser);
                screenshot(browser, 1280, out.resolve("dashboard-desktop.png"));

                browser.resize(360, 800);
                browser.driver.navigate().refresh();
                awaitEveryPanel(browser);
                screenshot(browser, 360, out.resolve("dashboard-360.png"));
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().equals("okpi-demo-trickle") && thread.isAlive()));
    }

    private static long awaitOrdersToday(OrderKpiServer server, long atLeast) {
        long[] seen = new long[1];
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            JsonNode kpis = data(server, "/api/v1/analytics/daily/today").get("kpis");
            seen[0] = kpis.get("order_count").asLong();
            return seen[0] >= atLeast;
        });
        return seen[0];
    }

    private static void awaitEveryPanel(Browser browser) {
        Browser.waiting().atMost(Duration.ofSeconds(60)).until(() -> browser.all("#kpi-cards .card").size() == 9
                && browser.all("#chart-revenue g.point").size() == 30
                && !browser.all("#leaderboard-table tbody tr").isEmpty()
                && browser.all("#queues-table tbody tr").size() == 4
                && !browser.all("#failed-table tbody tr").isEmpty()
                && !browser.all("#imports-list .import.completed").isEmpty()
                && (!browser.all("#dead-letters-list > *").isEmpty() || browser.displayed("#dead-letters-empty")));
    }

    /** The whole page: the window is made as tall as the document first. */
    private static void screenshot(Browser browser, int width, Path file) throws IOException {
        long chrome = ((Number) browser.script("return window.outerHeight - window.innerHeight")).longValue();
        long height = ((Number) browser.script("return document.documentElement.scrollHeight")).longValue();
        browser.resize(width, (int) (height + chrome));
        Browser.waiting().until(() -> ((Number) browser.script("return window.innerHeight")).longValue() >= height);
        byte[] png = browser.driver.getScreenshotAs(OutputType.BYTES);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isGreaterThanOrEqualTo((int) height);
        Files.write(file, png);
    }
}
