package io.orderkpi.server.dashboard;

import static io.orderkpi.server.dashboard.Browser.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.ServerConfig;
import io.orderkpi.server.TestServers;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page outlives its server: it says so while the server is away and carries on when it is back. */
class DashboardRecoveryBrowserTest {

    @TempDir
    Path dir;

    @Test
    void thePageSurvivesTheServerGoingAwayAndComingBack() {
        OrderKpiServer first = TestServers.start(dir.resolve("first"), Map.of());
        int port = first.port();
        try (Browser browser = Browser.start(1280, 1000)) {
            DashboardData.placeOrders(first.kpi());
            browser.open(first.uri());
            Browser.waiting().until(() -> browser.all("#kpi-cards .card").size() == 9);
            assertThat(browser.find("#unreachable").isDisplayed()).isFalse();
            String ordersShown = text(browser.find("[data-field=order_count] dd"));

            first.close();
            Browser.waiting().until(() -> browser.displayed("#unreachable"));
            assertThat(text(browser.find("#unreachable"))).startsWith("The server is unreachable");
            // The last numbers stay on the page, marked as possibly out of date by the banner.
            assertThat(text(browser.find("[data-field=order_count] dd"))).isEqualTo(ordersShown);

            try (OrderKpiServer second = TestServers.start(dir.resolve("second"),
                    Map.of(ServerConfig.PORT, Integer.toString(port)))) {
                Browser.waiting().until(() -> !browser.displayed("#unreachable"));
                // The new server has no orders: the page shows its numbers, not the old ones.
                Browser.waiting().until(() -> text(browser.find("[data-field=order_count] dd")).equals("0"));
                assertThat(browser.find("#main").isDisplayed()).isTrue();
                assertThat(text(browser.find("#notice"))).isEqualTo("The server is reachable again.");
            }
        } finally {
            first.close();
        }
    }
}
