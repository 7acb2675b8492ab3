package io.orderkpi.server;

import static io.orderkpi.server.TestServers.get;
import static io.orderkpi.server.TestServers.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.LeaderboardEntry;
import io.orderkpi.core.analytics.RangeReport;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.importer.ImportSubmission;
import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.server.http.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The analytics endpoints over real HTTP, against orders imported and processed by the real workflow. */
class AnalyticsApiTest {

    @TempDir
    static Path dir;

    static OrderKpiServer server;
    static LocalDate today;
    static LocalDate busyDay;

    @BeforeAll
    static void startAndSettle() {
        server = TestServers.start(dir, Map.of());
        OrderKpi kpi = server.kpi();
        today = LocalDate.now(ZoneOffset.UTC);
        StringWriter csv = new StringWriter();
        SampleOrders.write(csv, SampleOrders.Options.builder().count(300).seed(11).days(3).now(Instant.now()).build());
        ImportSubmission submission = kpi.importStream(new ByteArrayInputStream(
                csv.toString().getBytes(StandardCharsets.UTF_8)), ImportOptions.named("analytics-test.csv"), true);
        kpi.importer().awaitFinished(submission.run().importId(), Duration.ofMinutes(1));
        assertThat(TestServers.awaitIdle(kpi)).as("settled within 60 s").isTrue();
        busyDay = today.minusDays(1);
        assertThat(kpi.analytics().daily(busyDay, 10).totals().successfulOrders()).isPositive();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode data(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.get("success").asBoolean()).isTrue();
        return body.get("data");
    }

    @Test
    void dailyShowsEveryKpiAndTheTopTenAsTheFacadeComputesThem() throws IOException {
        HttpResponse<String> response = get(server, "/api/v1/analytics/daily/" + busyDay);
        JsonNode data = data(response);
        DailyTotals totals = server.kpi().analytics().daily(busyDay, 10).totals();
        List<LeaderboardEntry> top = server.kpi().analytics().leaderboard(busyDay, 10);

        assertThat(response.body()).contains("\"kpis\":{\"date\":\"" + busyDay + "\",\"total_revenue\":"
                + totals.totalRevenue() + ",\"gross_revenue\":" + totals.grossRevenue() + ",\"order_count\":"
                + totals.orderCount() + ",\"successful_orders\":" + totals.successfulOrders() + ",\"failed_orders\":"
                + totals.failedOrders() + ",\"average_order_value\":" + totals.averageOrderValue()
                + ",\"conversion_rate\":" + totals.conversionRate().toPlainString() + ",\"unique_customers\":"
                + totals.uniqueCustomers() + ",\"refund_amount\":" + totals.refundAmount() + "}");
        assertThat(data.get("leaderboard")).hasSize(top.size());
        assertThat(data.get("leaderboard").get(0).get("rank").asInt()).isEqualTo(1);
        assertThat(data.get("leaderboard").get(0).get("customer_id").asText()).isEqualTo(top.get(0).customerId());
        assertThat(response.body()).contains("\"total_spent\":" + top.get(0).totalSpent() + "}");
        assertThat(data.get("date").asText()).isEqualTo(busyDay.toString());
        assertThat(data.get("generated_at").asText()).endsWith("Z");
        assertThat(totals.grossRevenueCents()).isPositive();
    }

    @Test
    void aDayWithoutDataIsZerosAndAnEmptyLeaderboard() {
        HttpResponse<String> response = get(server, "/api/v1/analytics/daily/2020-01-01");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("{\"success\":true,\"data\":{\"kpis\":{\"date\":\"2020-01-01\","
                + "\"total_revenue\":0.00,\"gross_revenue\":0.00,\"order_count\":0,\"successful_orders\":0,"
                + "\"failed_orders\":0,\"average_order_value\":0.00,\"conversion_rate\":0.00,\"unique_customers\":0,"
                + "\"refund_amount\":0.00},\"leaderboard\":[],\"date\":\"2020-01-01\",\"generated_at\":\"");
        assertThat(get(server, "/api/v1/analytics/leaderboard/2020-01-01").body())
                .isEqualTo("{\"success\":true,\"data\":{\"date\":\"2020-01-01\",\"limit\":10,\"leaderboard\":[]}}");
    }

    @Test
    void todayAndYesterdayAreResolvedInTheServersZone() throws IOException {
        assertThat(data(get(server, "/api/v1/analytics/daily/yesterday")).get("date").asText())
                .isEqualTo(busyDay.toString());
        assertThat(data(get(server, "/api/v1/analytics/leaderboard/today")).get("date").asText())
                .isEqualTo(today.toString());
    }

    @Test
    void leaderboardLimitIsClampedAndMustBeAnInteger() throws IOException {
        List<LeaderboardEntry> all = server.kpi().analytics().leaderboard(busyDay, 100);

        assertThat(data(get(server, "/api/v1/analytics/leaderboard/" + busyDay + "?limit=3")).get("leaderboard"))
                .hasSize(Math.min(3, all.size()));
        assertThat(data(get(server, "/api/v1/analytics/leaderboard/" + busyDay + "?limit=0")).get("limit").asInt())
                .isEqualTo(1);
        JsonNode clamped = data(get(server, "/api/v1/analytics/leaderboard/" + busyDay + "?limit=5000"));
        assertThat(clamped.get("limit").asInt()).isEqualTo(100);
        assertThat(clamped.get("leaderboard")).hasSize(all.size());

        HttpResponse<String> bad = get(server, "/api/v1/analytics/leaderboard/" + busyDay + "?limit=ten");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("{\"success\":false,\"error\":\"The limit parameter must be an integer\"}");
    }

    @Test
    void rangeKpisSumTheDaysAndListEveryDay() throws IOException {
        LocalDate start = today.minusDays(4);
        JsonNode data = data(get(server, "/api/v1/analytics/kpis?start_date=" + start + "&end_date=" + today));
        RangeReport report = server.kpi().analytics().range(start, today);

        assertThat(data.get("start_date").asText()).isEqualTo(start.toString());
        assertThat(data.get("end_date").asText()).isEqualTo(today.toString());
        assertThat(data.get("total_revenue").decimalValue()).isEqualByComparingTo(report.totalRevenue().toBigDecimal());
        assertThat(data.get("total_gross_revenue").decimalValue())
                .isEqualByComparingTo(report.grossRevenue().toBigDecimal());
        assertThat(data.get("total_order_count").asLong()).isEqualTo(report.orderCount());
        assertThat(data.get("total_successful_orders").asLong()).isEqualTo(report.successfulOrders());
        assertThat(data.get("total_failed_orders").asLong()).isEqualTo(report.failedOrders());
        assertThat(data.get("total_unique_customers").asLong()).isEqualTo(report.uniqueCustomers());
        assertThat(data.get("conversion_rate").decimalValue()).isEqualByComparingTo(report.conversionRate());
        assertThat(data.get("average_order_value").decimalValue())
                .isEqualByComparingTo(report.averageOrderValue().toBigDecimal());
        assertThat(data.get("total_refund_amount").decimalValue())
                .isEqualByComparingTo(report.refundAmount().toBigDecimal());
        assertThat(data.get("daily_breakdown")).hasSize(5);
        JsonNode first = data.get("daily_breakdown").get(0);
        assertThat(first.get("date").asText()).isEqualTo(start.toString());
        assertThat(first.get("order_count").asLong()).isZero();
        assertThat(first.fieldNames()).toIterable().containsExactly("date", "total_revenue", "gross_revenue",
                "order_count", "successful_orders", "failed_orders", "average_order_value", "conversion_rate",
                "unique_customers", "refund_amount");
    }

    @Test
    void rangeEndDefaultsToToday() throws IOException {
        assertThat(data(get(server, "/api/v1/analytics/kpis?start_date=" + today.minusDays(1))).get("end_date")
                .asText()).isEqualTo(today.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/api/v1/analytics/daily/2025-02-30", "/api/v1/analytics/daily/2025-13-01", "/api/v1/analytics/daily/20250101",
        "/api/v1/analytics/leaderboard/tomorrow", "/api/v1/analytics/kpis?start_date=2025-02-30",
        "/api/v1/analytics/kpis?start_date=2025-01-01&end_date=2025-1-2",
        "/api/v1/analytics/customers/c1/rank?date=2025-02-29", "/api/v1/analytics/verify?start_date=x"})
    void aMalformedOrImpossibleDateIsA400(String path) {
        HttpResponse<String> response = get(server, path);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body())
                .isEqualTo("{\"success\":false,\"error\":\"Invalid date format. Expected YYYY-MM-DD\"}");
    }

    @Test
    void rangeErrorsAre400s() {
        HttpResponse<String> missing = get(server, "/api/v1/analytics/kpis?end_date=2025-01-01");
        HttpResponse<String> reversed = get(server, "/api/v1/analytics/kpis?start_date=2025-01-02&end_date=2025-01-01");
        HttpResponse<String> longest = get(server, "/api/v1/analytics/kpis?start_date=2024-01-01&end_date=2024-12-31");
        HttpResponse<String> tooLong = get(server, "/api/v1/analytics/kpis?start_date=2024-01-01&end_date=2025-01-01");

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).isEqualTo("{\"success\":false,\"error\":\"start_date parameter is required\"}");
        assertThat(reversed.statusCode()).isEqualTo(400);
        assertThat(reversed.body()).contains("start_date must not be after end_date");
        assertThat(longest.statusCode()).isEqualTo(200);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("at most 366 days");
    }

    @Test
    void aRankedCustomerHasARankAndOthersAre404() throws IOException {
        LeaderboardEntry second = server.kpi().analytics().leaderboard(busyDay, 2).get(1);

        JsonNode data = data(get(server, "/api/v1/analytics/customers/" + second.customerId() + "/rank?date=" + busyDay));
        HttpResponse<String> unknown = get(server, "/api/v1/analytics/customers/nobody/rank?date=" + busyDay);

        assertThat(data.get("rank").asInt()).isEqualTo(2);
        assertThat(data.get("customer_id").asText()).isEqualTo(second.customerId());
        assertThat(data.get("total_spent").decimalValue()).isEqualByComparingTo(second.totalSpent().toBigDecimal());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"success\":false,\"error\":\"Customer nobody is not ranked on "
                + busyDay + "\"}");
    }

    @Test
    void verifyFindsNoDifferenceAfterTheWorkflowSettled() throws IOException {
        JsonNode data = data(get(server, "/api/v1/analytics/verify?start_date=" + today.minusDays(3)
                + "&end_date=" + today));

        assertThat(data.get("differences")).isEmpty();
    }

    @Test
    void backfillAnswers202WithAJobIdThatCanBeFollowed() throws IOException {
        HttpResponse<String> response = post(server, "/api/v1/analytics/backfill",
                "{\"from\":\"" + today.minusDays(3) + "\",\"to\":\"" + today + "\",\"force\":true}");

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode data = Json.MAPPER.readTree(response.body()).get("data");
        String jobId = data.get("job_id").asText();
        assertThat(data.get("state").asText()).isEqualTo("queued");
        await().atMost(Duration.ofSeconds(30)).until(() -> data(get(server, "/api/v1/analytics/backfill/" + jobId))
                .get("state").asText().equals("completed"));
        assertThat(data(get(server, "/api/v1/analytics/backfill/" + jobId)).get("result").get("days_rebuilt").asInt())
                .isPositive();
        assertThat(server.kpi().analytics().verify(today.minusDays(3), today)).isEmpty();
        assertThat(get(server, "/api/v1/analytics/backfill/" + java.util.UUID.randomUUID()).statusCode())
                .isEqualTo(404);
        assertThat(post(server, "/api/v1/analytics/backfill", "{\"to\":\"2025-01-01\"}").statusCode()).isEqualTo(400);
    }
}
