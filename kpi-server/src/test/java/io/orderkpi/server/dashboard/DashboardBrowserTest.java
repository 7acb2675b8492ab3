package io.orderkpi.server.dashboard;

import static io.orderkpi.server.dashboard.Browser.text;
import static io.orderkpi.server.dashboard.DashboardData.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.ServerConfig;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/** The dashboard in a real browser against a real server with known data, no token configured. */
class DashboardBrowserTest {

    private static final String[] MONEY = {"total_revenue", "gross_revenue", "refund_amount", "average_order_value"};
    private static final String[] COUNTS = {"order_count", "successful_orders", "failed_orders", "unique_customers"};

    /** Some payments fail, so the days have failed orders too; stock never runs out. */
    @RegisterExtension
    static final DashboardPage PAGE = new DashboardPage(Map.of(ServerConfig.PAYMENT_FAILURE_RATE, "0.3",
            ServerConfig.STOCK_FAILURE_RATE, "0"), DashboardData::placeOrders);

    static OrderKpiServer server;
    static Browser browser;
    static LocalDate today;

    @BeforeAll
    static void start() {
        server = PAGE.server;
        browser = PAGE.browser;
        today = LocalDate.now(ZoneOffset.UTC);
    }

    @BeforeEach
    void awaitData() {
        Browser.waiting().until(() -> browser.all("#kpi-cards .card").size() == 9);
    }

    @Test
    void theKpisOnThePageAreTheApisForTheChosenDayAndFollowThePicker() {
        assertKpisShown(today);
        assertThat(browser.find("#day").getAttribute("value")).isEqualTo(today.toString());

        browser.find("#day-prev").click();
        LocalDate yesterday = today.minusDays(1);
        Browser.waiting().until(() -> yesterday.toString().equals(browser.find("#day").getAttribute("value"))
                && text(browser.find("#kpis-title")).equals(yesterday.toString()));
        assertKpisShown(yesterday);

        LocalDate tenDaysAgo = today.minusDays(10);
        browser.script("const day = document.getElementById('day'); day.value = arguments[0];"
                + " day.dispatchEvent(new Event('change'));", tenDaysAgo.toString());
        Browser.waiting().until(() -> text(browser.find("#kpis-title")).equals(tenDaysAgo.toString()));
        assertKpisShown(tenDaysAgo);
        assertThat(browser.find("[data-field=order_count] dd").getAttribute("data-value")).isEqualTo("3");

        browser.find("#day-today").click();
        Browser.waiting().until(() -> text(browser.find("#kpis-title")).equals("Today, " + today));
        assertThat(browser.find("#day-next").isEnabled()).as("no day after today").isFalse();
    }

    private static void assertKpisShown(LocalDate day) {
        Browser.waiting().untilAsserted(() -> {
            JsonNode kpis = data(server, "/api/v1/analytics/daily/" + day).get("kpis");
            assertThat(kpis.get("order_count").asLong()).as("known data on " + day).isPositive();
            for (String field : MONEY) {
                WebElement value = browser.find("[data-field=" + field + "] dd");
                BigDecimal expected = kpis.get(field).decimalValue();
                assertThat(new BigDecimal(value.getAttribute("data-value"))).as(field).isEqualByComparingTo(expected);
                assertThat(value.getText()).as(field).isEqualTo(String.format(Locale.US, "%,.2f USD", expected));
            }
            for (String field : COUNTS) {
                WebElement value = browser.find("[data-field=" + field + "] dd");
                assertThat(value.getText()).as(field).isEqualTo(String.format(Locale.US, "%,d", kpis.get(field).asLong()));
            }
            WebElement rate = browser.find("[data-field=conversion_rate] dd");
            assertThat(rate.getText()).isEqualTo(String.format(Locale.US, "%.2f %%",
                    kpis.get("conversion_rate").decimalValue()));
        });
    }

    @Test
    void theChartHasOnePointPerDayOfTheThirtyAndItsTableAgreesWithTheRangeApi() {
        LocalDate start = today.minusDays(29);
        JsonNode range = data(server, "/api/v1/analytics/kpis?start_date=" + start + "&end_date=" + today);
        Browser.waiting().until(() -> browser.all("#trend-table tbody tr").size() == 30);

        List<String> days = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            days.add(start.plusDays(i).toString());
        }
        for (String chart : new String[] {"#chart-revenue", "#chart-orders"}) {
            assertThat(browser.script("return [...document.querySelectorAll(arguments[0])].map(g => g.dataset.date)",
                    chart + " svg g.point")).as(chart).isEqualTo(days);
        }
        List<List<String>> rows = browser.cells("#trend-table tbody tr");
        JsonNode breakdown = range.get("daily_breakdown");
        assertThat(breakdown).hasSize(30);
        assertThat(rows).hasSize(30);
        for (int i = 0; i < 30; i++) {
            JsonNode day = breakdown.get(i);
            List<String> row = rows.get(i);
            assertThat(row.get(0)).isEqualTo(day.get("date").asText());
            assertThat(new BigDecimal(row.get(1))).as(day + " net").isEqualByComparingTo(day.get("total_revenue").decimalValue());
            assertThat(new BigDecimal(row.get(2))).as(day + " gross").isEqualByComparingTo(day.get("gross_revenue").decimalValue());
            assertThat(row.subList(3, 6)).as(day + " orders").containsExactly(day.get("order_count").asText(),
                    day.get("successful_orders").asText(), day.get("failed_orders").asText());
        }
        assertThat(rows).as("the known data shows").anyMatch(row -> !row.get(3).equals("0"));
        // The hover text of a bar carries its day's value.
        JsonNode last = breakdown.get(29);
        assertThat(text(browser.find("#chart-orders g.point[data-date='" + today + "'] title")))
                .isEqualTo(today + ": " + last.get("successful_orders").asText() + " successful, "
                        + last.get("failed_orders").asText() + " failed orders");

        browser.find("#trend-toggle").click();
        assertThat(browser.find("#trend-table").isDisplayed()).isTrue();
    }

    @Test
    void aHostileCustomerNameShowsAsTextAndRunsNoScript() {
        Browser.waiting().until(() -> !browser.all("#leaderboard-table tr[data-customer='"
                + DashboardData.HOSTILE_CUSTOMER + "'] .name").isEmpty()
                && !text(browser.find("#leaderboard-table tr[data-customer='" + DashboardData.HOSTILE_CUSTOMER
                        + "'] .name")).isEmpty());
        WebElement row = browser.find("#leaderboard-table tr[data-customer='" + DashboardData.HOSTILE_CUSTOMER + "']");

        assertThat(text(row.findElement(By.cssSelector(".name"))))
                .isEqualTo(DashboardData.HOSTILE_NAME);
        assertThat(text(row.findElement(By.cssSelector("td")))).isEqualTo("1");
        assertThat(browser.all("main img")).isEmpty();
        assertThat(browser.script("return window.__pwned === undefined")).isEqualTo(true);
        assertThat(isAlertOpen()).isFalse();

        browser.find("#rank-customer").sendKeys(DashboardData.HOSTILE_CUSTOMER, Keys.ENTER);
        Browser.waiting().until(() -> text(browser.find("#rank-result"))
                .startsWith(DashboardData.HOSTILE_CUSTOMER + " is #1 on " + today));
        browser.find("#rank-customer").clear();
        browser.find("#rank-customer").sendKeys("C-NOBODY", Keys.ENTER);
        Browser.waiting().until(() -> text(browser.find("#rank-result"))
                .equals("C-NOBODY is not ranked on " + today + "."));
    }

    private static boolean isAlertOpen() {
        try {
            browser.driver.switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }

    @Test
    void pauseThenContinueChangesTheQueueOnThePageAndInTheApi() {
        String row = "#queues-table tr[data-queue='orders-import']";
        Browser.waiting().until(() -> !browser.all(row + " .state").isEmpty());
        assertThat(text(browser.find(row + " .state"))).isEqualTo("active");

        browser.find(row + " button.pause-toggle").click();
        Browser.waiting().until(() -> text(browser.find(row + " .state")).equals("paused"));
        assertThat(queue("orders-import").get("paused").asBoolean()).isTrue();
        assertThat(text(browser.find(row + " button.pause-toggle"))).isEqualTo("Continue");

        // The same with the keyboard: the buttons are real buttons.
        browser.find(row + " button.pause-toggle").sendKeys(Keys.ENTER);
        Browser.waiting().until(() -> text(browser.find(row + " .state")).equals("active"));
        assertThat(queue("orders-import").get("paused").asBoolean()).isFalse();
    }

    private static JsonNode queue(String name) {
        for (JsonNode queue : data(server, "/api/v1/queues").get("queues")) {
            if (queue.get("name").asText().equals(name)) {
                return queue;
            }
        }
        throw new AssertionError("No queue " + name);
    }

    @Test
    void aFailedJobRetriedFromThePageLeavesTheFailedList() {
        UUID job = DashboardData.failingJob(server.kpi(), "refunds", "test.retry-me");
        String row = "#failed-table tr[data-job='" + job + "']";
        Browser.waiting().until(() -> !browser.all(row).isEmpty());
        // Paused, so the retried job waits as pending instead of failing again at once.
        server.kpi().jobs().pause("refunds");
        try {
            assertThat(text(browser.find(row))).contains("No handler registered for job type 'test.retry-me'")
                    .doesNotContain("secret-payload");
            assertThat(browser.driver.getPageSource()).doesNotContain("secret-payload");

            browser.find(row + " button.retry").click();

            Browser.waiting().until(() -> browser.all(row).isEmpty());
            assertThat(server.kpi().jobs().failed("refunds", null, Long.MAX_VALUE, 500).items()).noneMatch(f -> f.id().equals(job));
            assertThat(server.kpi().jobs().stats().get("refunds").pending()).isEqualTo(1);
        } finally {
            server.kpi().jobs().clear("refunds");
            server.kpi().jobs().resume("refunds");
        }
    }

    @Test
    void theFailedListShowsTwentyFiveWithSubjectsAndShowMoreListsTheRest() {
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            jobs.add(server.kpi().workers().enqueue(JobRequest.of("refunds", "test.paged-" + i, "secret-payload")
                    .withSubject("paged job " + i)));
        }
        try {
            Browser.waiting().until(() -> server.kpi().jobs().failed("refunds", "test.paged-", Long.MAX_VALUE, 500)
                    .items().size() == 30);
            browser.find("#failed-q").sendKeys("test.paged-");
            Browser.waiting().until(() -> browser.all("#failed-table tr[data-job]").size() == 25
                    && text(browser.find("#failed-count")).equals("(25+)"));
            assertThat(browser.find("#failed-next").isDisplayed()).isTrue();
            assertThat(text(browser.find("#failed-table tr[data-job='" + jobs.get(29) + "']")))
                    .as("newest first, with its subject").contains("paged job 29");

            browser.find("#failed-next").click();

            Browser.waiting().until(() -> browser.all("#failed-table tr[data-job]").size() == 30
                    && text(browser.find("#failed-count")).equals("(30)"));
            assertThat(browser.find("#failed-next").isDisplayed()).isFalse();
            assertThat(text(browser.find("#failed-table tr[data-job='" + jobs.get(0) + "']"))).contains("paged job 0");
        } finally {
            jobs.forEach(job -> server.kpi().jobs().forgetFailed(job));
            browser.find("#failed-q").clear();
            browser.find("#failed-q").sendKeys(Keys.BACK_SPACE);
        }
    }

    @Test
    void forgetAllEmptiesTheFilteredListOnly() {
        UUID importA = DashboardData.failingJob(server.kpi(), "orders-import", "test.forget-a");
        UUID importB = DashboardData.failingJob(server.kpi(), "orders-import", "test.forget-b");
        UUID other = DashboardData.failingJob(server.kpi(), "notifications", "test.keep-me");
        Browser.waiting().until(() -> browser.all("#failed-table tr[data-job]").size() >= 3);

        new Select(browser.find("#failed-queue")).selectByValue("orders-import");
        Browser.waiting().until(() -> browser.all("#failed-table tr[data-job='" + other + "']").isEmpty()
                && browser.all("#failed-table tr[data-job='" + importA + "']").size() == 1);
        // Narrowed further by error text: only B goes.
        browser.find("#failed-q").sendKeys("forget-b");
        Browser.waiting().until(() -> browser.all("#failed-table tr[data-job]").size() == 1
                && text(browser.find("#failed-forget-all")).equals("Forget these 1"));
        browser.find("#failed-forget-all").click();
        browser.accept();
        Browser.waiting().until(() -> browser.all("#failed-table tr[data-job]").isEmpty());
        assertThat(server.kpi().jobs().failed(null, null, Long.MAX_VALUE, 500).items()).extracting(f -> f.id()).contains(importA, other)
                .doesNotContain(importB);

        browser.find("#failed-q").clear();
        browser.find("#failed-q").sendKeys(Keys.BACK_SPACE);
        Browser.waiting().until(() -> browser.all("#failed-table tr[data-job='" + importA + "']").size() == 1);
        browser.find("#failed-forget-all").click();
        browser.accept();
        Browser.waiting().until(() -> browser.all("#failed-table tr[data-job]").isEmpty());
        assertThat(server.kpi().jobs().failed("orders-import", null, Long.MAX_VALUE, 500).items()).isEmpty();
        assertThat(server.kpi().jobs().failed("notifications", null, Long.MAX_VALUE, 500).items()).extracting(f -> f.id()).contains(other);

        new Select(browser.find("#failed-queue")).selectByValue("");
        Browser.waiting().until(() -> browser.all("#failed-table tr[data-job='" + other + "']").size() == 1);
    }

    @Test
    void theKeyboardAloneReachesAndUsesTheControls() {
        // Freshly loaded, nothing focused: the first Tab stop is the skip link; the day picker follows the header's controls.
        new Actions(browser.driver).sendKeys(Keys.TAB).perform();
        assertThat(browser.driver.switchTo().activeElement().getAttribute("class")).isEqualTo("skip");
        int tabs = 0;
        while (!"day-prev".equals(browser.driver.switchTo().activeElement().getAttribute("id"))) {
            assertThat(++tabs).as("Tab presses to reach the previous-day button").isLessThan(10);
            new Actions(browser.driver).sendKeys(Keys.TAB).perform();
        }
        new Actions(browser.driver).sendKeys(Keys.ENTER).perform();
        LocalDate yesterday = today.minusDays(1);
        Browser.waiting().until(() -> text(browser.find("#kpis-title")).equals(yesterday.toString()));
        // Focus stays visible: the focused control gets an outline.
        assertThat(browser.script("return getComputedStyle(document.activeElement).outlineStyle")).isEqualTo("solid");
    }

    @Test
    void thePageRunsWithoutAnyConsoleError() {
        browser.consoleErrors();
        browser.driver.navigate().refresh();
        Browser.waiting().until(() -> browser.all("#trend-table tbody tr").size() == 30
                && browser.all("#queues-table tbody tr").size() == 4
                && text(browser.find("#updated")).startsWith("Updated"));
        // A few refreshes, the table toggle and a day change: nothing refused, nothing thrown.
        browser.find("#trend-toggle").click();
        browser.find("#day-prev").click();
        Browser.waiting().until(() -> text(browser.find("#kpis-title")).equals(today.minusDays(1).toString()));
        // Until the server has the dead-letter endpoints the page's probe of them is an expected 404.
        assertThat(browser.consoleErrors()).filteredOn(message -> !(message.contains("/api/v1/outbox/dead-letters")
                && message.contains("404"))).isEmpty();
    }

    @Test
    void aNormalServerHasNeitherTheDemoChannelNorTheTrickle() {
        JsonNode notifications = data(server, "/api/v1/notifications?limit=500").get("notifications");
        assertThat(notifications).isNotEmpty();
        assertThat(notifications).allMatch(n -> n.get("channel").asText().equals("log"));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("okpi-demo-trickle"));
    }

    @Test
    void atThreeHundredSixtyPixelsNothingIsWiderThanTheScreen() {
        browser.resize(360, 800);
        try {
            browser.driver.navigate().refresh();
            Browser.waiting().until(() -> browser.all("#kpi-cards .card").size() == 9
                    && browser.all("#queues-table tbody tr").size() == 4);
            long viewport = ((Number) browser.script("return document.documentElement.clientWidth")).longValue();
            assertThat(viewport).isLessThanOrEqualTo(360);
            assertThat(((Number) browser.script("return document.documentElement.scrollWidth")).longValue())
                    .as("no sideways scrolling of the page").isLessThanOrEqualTo(viewport);
        } finally {
            browser.resize(1280, 1000);
        }
    }
}
