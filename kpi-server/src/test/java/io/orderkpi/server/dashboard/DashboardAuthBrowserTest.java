package io.orderkpi.server.dashboard;

import static io.orderkpi.server.TestServers.API_TOKEN;
import static io.orderkpi.server.TestServers.READ_TOKEN;
import static io.orderkpi.server.dashboard.Browser.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.ServerConfig;
import io.orderkpi.server.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** The dashboard of a server with an API token and a read token, in a real browser. */
class DashboardAuthBrowserTest {

    @RegisterExtension
    static final DashboardPage PAGE = new DashboardPage(Map.of(ServerConfig.API_TOKEN, API_TOKEN,
            ServerConfig.READ_TOKEN, READ_TOKEN), kpi -> {
                DashboardData.placeOrders(kpi);
                DashboardData.failingJob(kpi, "refunds", "test.auth-failed");
                importId = DashboardData.importWithRejectedRows(kpi);
            });

    static String importId;

    static Browser browser;

    @BeforeAll
    static void browser() {
        browser = PAGE.browser;
    }

    @Test
    void withoutTheTokenThePageShowsThePromptAndNoData() {
        Browser.waiting().until(() -> browser.displayed("#login"));

        assertThat(browser.find("#main").isDisplayed()).isFalse();
        assertThat(browser.all("#kpi-cards .card, #queues-table tbody tr, #leaderboard-table tbody tr")).isEmpty();
        assertThat(browser.find("#token").getAttribute("type")).isEqualTo("password");
        assertThat(browser.driver.switchTo().activeElement()).isEqualTo(browser.find("#token"));
    }

    @Test
    void theApiTokenOpensEverythingKeptForTheSessionAndNeverInTheAddress() {
        signIn(API_TOKEN);

        Browser.waiting().until(() -> browser.all("#queues-table tbody tr").size() == 4
                && browser.all("#kpi-cards .card").size() == 9);
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(API_TOKEN);
        assertThat(browser.script("return sessionStorage.getItem('orderkpi.token')")).isEqualTo(API_TOKEN);
        assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
        assertThat(browser.script("return document.cookie")).isEqualTo("");
        Browser.waiting().until(() -> !browser.all("#failed-table button.retry").isEmpty());
        assertThat(mutatingButtons()).allMatch(WebElement::isEnabled);

        // A reload in the same tab stays signed in; signing out forgets the token and the data.
        browser.driver.navigate().refresh();
        Browser.waiting().until(() -> browser.all("#kpi-cards .card").size() == 9);
        assertThat(browser.find("#login").isDisplayed()).isFalse();
        browser.find("#sign-out").click();
        Browser.waiting().until(() -> browser.displayed("#login"));
        assertThat(browser.script("return sessionStorage.getItem('orderkpi.token')")).isNull();
        assertThat(browser.all("#kpi-cards .card")).isEmpty();
    }

    @Test
    void anImportShowsItsCountersAndFirstRejectedRowsAndItsCsvDownloadsWithTheToken() throws Exception {
        signIn(API_TOKEN);
        String card = "#imports-list .import[data-import='" + importId + "']";
        Browser.waiting().until(() -> browser.all(card + " table.rejected tbody tr").size() == 2);

        assertThat(text(browser.find(card + " .state"))).isEqualTo("completed");
        assertThat(text(browser.find(card + " dl.stats"))).isEqualTo("Read3Imported1Already there0Rejected2");
        assertThat(browser.cells(card + " table.rejected tbody tr")).containsExactly(
                List.of("3", "IMP-2", "total_amount: must be greater than 0"),
                List.of("4", "<b>IMP-3</b>", "customer_id: required"));
        assertThat(browser.all(card + " b")).isEmpty();
        assertThat(((Number) browser.script("return arguments[0].value", browser.find(card + " progress"))).intValue())
                .isEqualTo(1);

        WebElement link = browser.find(card + " a.download");
        assertThat(link.getAttribute("href")).endsWith("/api/v1/imports/" + importId + "/rejected.csv");
        String page = browser.driver.getCurrentUrl();
        link.click();
        Path file = PAGE.downloads.resolve("import-" + importId + "-rejected.csv");
        Browser.waiting().until(() -> Files.exists(file) && Files.size(file) > 0);
        assertThat(Files.readString(file)).isEqualTo("order_number,customer_id,customer_name,status,total_amount,"
                + "item1_product_id,item1_quantity,item1_unit_price,line,reason\r\n"
                + "IMP-2,C2,Bob,paid,-1,P1,1,10.00,3,total_amount: must be greater than 0\r\n"
                + "<b>IMP-3</b>,,Eve,paid,5.00,P1,1,5.00,4,customer_id: required\r\n");
        assertThat(browser.driver.getCurrentUrl()).isEqualTo(page);
    }

    @Test
    void aReadTokenSeesTheDataButNoEnabledButtonThatChangesState() {
        signIn(READ_TOKEN);

        Browser.waiting().until(() -> browser.all("#queues-table tbody tr").size() == 4
                && !browser.all("#failed-table button.retry").isEmpty());
        assertThat(text(browser.find("#access"))).isEqualTo("read-only token");
        List<WebElement> mutating = mutatingButtons();
        // Pause and clear per queue, retry and forget per failed job, and the two bulk buttons.
        assertThat(mutating).hasSizeGreaterThanOrEqualTo(4 * 2 + 2 + 2);
        assertThat(mutating).noneMatch(WebElement::isEnabled);
        // Reading still works: the day picker and the rank search are enabled.
        assertThat(browser.find("#day-prev").isEnabled()).isTrue();
        assertThat(browser.find("#rank-form button").isEnabled()).isTrue();
    }

    @Test
    void aWrongTokenIsRefusedAndForgotten() {
        signIn("not-the-token");

        Browser.waiting().until(() -> text(browser.find("#login-error")).equals("The token was refused."));
        assertThat(browser.find("#main").isDisplayed()).isFalse();
        assertThat(browser.script("return sessionStorage.getItem('orderkpi.token')")).isNull();
    }

    private static void signIn(String token) {
        Browser.waiting().until(() -> browser.displayed("#login"));
        browser.find("#token").sendKeys(token, Keys.ENTER);
    }

    private static List<WebElement> mutatingButtons() {
        return browser.all("button[data-mutates]");
    }

    @Test
    void publicAnalyticsShowTheAnalyticsWithoutATokenAndNothingElse(@TempDir Path other) {
        try (OrderKpiServer open = TestServers.start(other, Map.of(ServerConfig.API_TOKEN, API_TOKEN,
                ServerConfig.PUBLIC_ANALYTICS, "true"))) {
            DashboardData.placeOrders(open.kpi());
            browser.open(open.uri());

            Browser.waiting().until(() -> browser.all("#kpi-cards .card").size() == 9
                    && browser.all("#trend-table tbody tr").size() == 30
                    && !browser.all("#leaderboard-table tbody tr").isEmpty());
            assertThat(browser.find("#login").isDisplayed()).isFalse();
            assertThat(browser.find("#ops-locked").isDisplayed()).isTrue();
            assertThat(browser.find("#queues").isDisplayed()).isFalse();
            assertThat(browser.all("#queues-table tbody tr")).isEmpty();
            assertThat(text(browser.find("#access"))).isEqualTo("public analytics");
            // Customer names come from the orders API, which stays closed: only the ids show.
            assertThat(browser.all("#leaderboard-table .name")).allMatch(name -> text(name).isEmpty());

            browser.find("#ops-sign-in").click();
            Browser.waiting().until(() -> browser.displayed("#login"));
            browser.find("#token").sendKeys(API_TOKEN, Keys.ENTER);
            Browser.waiting().until(() -> browser.all("#queues-table tbody tr").size() == 4);
            assertThat(browser.find("#ops-locked").isDisplayed()).isFalse();
        }
    }
}
