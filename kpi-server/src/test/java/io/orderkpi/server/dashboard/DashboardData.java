package io.orderkpi.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.importer.ImportSubmission;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.TestServers;
import io.orderkpi.server.http.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Known data for the dashboard's tests, placed through the facade and settled before a test looks. */
final class DashboardData {

    /** A customer name that would run a script if the page ever parsed values as HTML. */
    static final String HOSTILE_NAME = "<img src=x onerror=\"window.__pwned=1\">";
    static final String HOSTILE_CUSTOMER = "C-HOSTILE";

    private static final AtomicInteger NUMBERS = new AtomicInteger();

    private DashboardData() {
    }

    /**
     * Orders on today, yesterday and ten days ago (UTC), with different counts per day so that a
     * page showing the wrong day cannot pass; the hostile customer spends most today.
     */
    static void placeOrders(OrderKpi kpi) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Instant now = Instant.now();
        for (int i = 0; i < 9; i++) {
            place(kpi, "C-" + (i % 4), "Customer " + (i % 4), 1_000 + i * 250, now);
        }
        place(kpi, HOSTILE_CUSTOMER, HOSTILE_NAME, 99_999, now);
        for (int i = 0; i < 5; i++) {
            place(kpi, "C-" + i, "Customer " + i, 2_000 + i * 100, noon(today.minusDays(1)));
        }
        for (int i = 0; i < 3; i++) {
            place(kpi, "C-9" + i, "Customer 9" + i, 5_000, noon(today.minusDays(10)));
        }
        assertThat(TestServers.awaitIdle(kpi)).as("orders settled within 60 s").isTrue();
    }

    private static Instant noon(LocalDate day) {
        return day.atTime(12, 0).toInstant(ZoneOffset.UTC);
    }

    private static void place(OrderKpi kpi, String customer, String name, long cents, Instant placedAt) {
        OrderItem item = new OrderItem("P-1", "Test product", "SKU-1", 1, Money.ofCents(cents));
        NewOrder order = new NewOrder("DASH-" + NUMBERS.incrementAndGet() + "-" + UUID.randomUUID(), customer, name,
                "someone@example.com", OrderStatus.PENDING, item.totalPrice(), "USD", List.of(item), placedAt);
        kpi.process(kpi.createOrder(order).id());
    }

    /** A CSV of three rows, two of them rejected; returns the import's id once it has finished. */
    static String importWithRejectedRows(OrderKpi kpi) {
        String csv = "order_number,customer_id,customer_name,status,total_amount,item1_product_id,item1_quantity,"
                + "item1_unit_price\n"
                + "IMP-1,C1,Ann,paid,10.00,P1,1,10.00\n"
                + "IMP-2,C2,Bob,paid,-1,P1,1,10.00\n"
                + "<b>IMP-3</b>,,Eve,paid,5.00,P1,1,5.00\n";
        ImportSubmission submission = kpi.importStream(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                ImportOptions.named("dashboard-test.csv"), false);
        String id = submission.run().importId();
        kpi.importer().awaitFinished(id, Duration.ofMinutes(1));
        return id;
    }

    /** A job of a type nobody handles: it goes to the failed list at once. */
    static UUID failingJob(OrderKpi kpi, String queue, String type) {
        return kpi.workers().enqueue(JobRequest.of(queue, type, "secret-payload-" + type));
    }

    static JsonNode data(OrderKpiServer server, String path, String... headers) {
        HttpResponse<String> response = TestServers.get(server, path, headers);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        try {
            return Json.MAPPER.readTree(response.body()).get("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
