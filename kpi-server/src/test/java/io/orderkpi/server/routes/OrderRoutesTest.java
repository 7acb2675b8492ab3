package io.orderkpi.server.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.server.routes.ApiFixture.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrderRoutesTest {

    @TempDir
    static Path dir;
    static ApiFixture api;

    @BeforeAll
    static void start() {
        api = ApiFixture.start(dir);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void createsAnOrderWithEveryFieldOfTheSpec() {
        Reply reply = api.postJson("/api/v1/orders", """
                {"order_number":"CREATE-1","customer_id":"CUST-1","customer_name":"Zoë","customer_email":"z@example.com",
                 "total_amount":129.50,"currency":"usd","placed_at":"2025-05-31T10:00:00Z",
                 "items":[{"product_id":"P-1","product_name":"Mug","sku":"S-1","quantity":2,"unit_price":"64.75"}]}
                """);

        assertThat(reply.status()).isEqualTo(201);
        JsonNode order = reply.data();
        assertThat(order.get("id").asLong()).isPositive();
        assertThat(order.get("status").asText()).isEqualTo("pending");
        // Money is written with two decimals; read the raw text, a JSON parser would drop the zero.
        assertThat(reply.body()).contains("\"total_amount\":129.50", "\"unit_price\":64.75",
                "\"total_price\":129.50");
        assertThat(order.get("currency").asText()).isEqualTo("USD");
        assertThat(order.get("placed_at").asText()).isEqualTo("2025-05-31T10:00:00Z");
        assertThat(order.get("created_at").asText()).endsWith("Z");
        assertThat(order.get("reserved_at").isNull()).isTrue();
        assertThat(order.get("failure_reason").isNull()).isTrue();
        assertThat(iterable(order.fieldNames())).containsExactly("id", "order_number", "customer_id", "customer_name",
                "customer_email", "status", "total_amount", "currency", "items", "placed_at", "reserved_at", "paid_at",
                "failed_at", "failure_reason", "payment_reference", "created_at", "updated_at");
        JsonNode item = order.get("items").get(0);
        assertThat(item.get("quantity").asInt()).isEqualTo(2);

        Reply read = api.get("/api/v1/orders/" + order.get("id").asLong());
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.data()).isEqualTo(order);
    }

    @Test
    void refusesAnInvalidOrderNamingTheFieldAsACsvRowWould() {
        Reply negative = api.postJson("/api/v1/orders", ApiFixture.orderJson("BAD-1", "C", "-5"));
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.error()).isEqualTo("total_amount: must be greater than 0");

        Reply noItems = api.postJson("/api/v1/orders",
                "{\"order_number\":\"BAD-2\",\"customer_id\":\"C\",\"total_amount\":1,\"items\":[]}");
        assertThat(noItems.status()).isEqualTo(400);
        assertThat(noItems.error()).isEqualTo("items: at least one item is required");

        Reply zeroQuantity = api.postJson("/api/v1/orders",
                ApiFixture.orderJson("BAD-2b", "C", "5").replace("\"quantity\":2", "\"quantity\":0"));
        assertThat(zeroQuantity.status()).isEqualTo(400);
        assertThat(zeroQuantity.error()).isEqualTo("item1_quantity: must be greater than 0");

        Reply missing = api.postJson("/api/v1/orders", "{\"order_number\":\"BAD-3\",\"customer_id\":\"C\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.error()).isEqualTo("total_amount: required");

        Reply badCustomer = api.postJson("/api/v1/orders", ApiFixture.orderJson("BAD-4", "a b", "5"));
        assertThat(badCustomer.error()).startsWith("customer_id: ");

        Reply threeDecimals = api.postJson("/api/v1/orders", ApiFixture.orderJson("BAD-5", "C", "1.005"));
        assertThat(threeDecimals.status()).isEqualTo(400);
        assertThat(threeDecimals.error()).startsWith("total_amount: ");

        Reply unknownField = api.postJson("/api/v1/orders", "{\"order_number\":\"BAD-6\",\"colour\":\"red\"}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.error()).contains("colour");

        Reply finalStatus = api.postJson("/api/v1/orders",
                ApiFixture.orderJson("BAD-7", "C", "5").replace("\"total_amount\"", "\"status\":\"paid\",\"total_amount\""));
        assertThat(finalStatus.status()).isEqualTo(400);
        assertThat(finalStatus.error()).startsWith("status: ");

        Reply notJson = api.post("/api/v1/orders", "text/plain",
                java.net.http.HttpRequest.BodyPublishers.ofString("order"));
        assertThat(notJson.status()).isEqualTo(415);
    }

    @Test
    void answers409ForADuplicateOrderNumber() {
        api.createOrder("DUP-1", "C", "10.00");

        Reply again = api.postJson("/api/v1/orders", ApiFixture.orderJson("DUP-1", "C", "10.00"));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("success").asBoolean()).isFalse();
        assertThat(again.error()).contains("DUP-1");
    }

    @Test
    void pagesThroughOrdersNewestFirstWithoutRepeats() {
        List<Long> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(api.createOrder("PAGE-" + i, "PAGER", "1" + i + ".00"));
        }
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Reply page = api.get("/api/v1/orders?customer_id=PAGER&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            for (JsonNode order : page.data().get("orders")) {
                assertThat(order.has("items")).isFalse();
                seen.add(order.get("id").asLong());
            }
            JsonNode next = page.data().get("next_cursor");
            cursor = next.isNull() ? null : next.asText();
            pages++;
        } while (cursor != null);

        List<Long> newestFirst = new ArrayList<>(created);
        java.util.Collections.reverse(newestFirst);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(newestFirst);
    }

    @Test
    void filtersOrdersAndRefusesBadParameters() {
        long id = api.createOrder("FILTER-1", "FILTERED", "3.00");

        JsonNode byNumber = api.get("/api/v1/orders?order_number=FILTER-1").data().get("orders");
        assertThat(byNumber).hasSize(1);
        assertThat(byNumber.get(0).get("id").asLong()).isEqualTo(id);
        assertThat(api.get("/api/v1/orders?customer_id=FILTERED&status=pending").data().get("orders")).hasSize(1);
        assertThat(api.get("/api/v1/orders?customer_id=FILTERED&status=completed").data().get("orders")).isEmpty();
        assertThat(api.get("/api/v1/orders?limit=100000").status()).isEqualTo(200);

        assertThat(api.get("/api/v1/orders?limit=ten").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/orders?status=shipped").error()).contains("shipped");
        assertThat(api.get("/api/v1/orders?cursor=garbage").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/orders/999999").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/orders/abc").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/orders/999999/events").status()).isEqualTo(404);
        Reply notAllowed = api.delete("/api/v1/orders");
        assertThat(notAllowed.status()).isEqualTo(405);
        assertThat(notAllowed.json().get("success").asBoolean()).isFalse();
    }

    @Test
    void aProcessRequestWhileTheWorkersStopIsA503(@TempDir Path ownDir) {
        try (ApiFixture stopping = ApiFixture.start(ownDir)) {
            long id = stopping.createOrder("STOPPING-1", "C", "20.00");
            stopping.kpi.workers().shutdown(Duration.ZERO);

            Reply refused = stopping.post("/api/v1/orders/" + id + "/process");

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).contains("shutting down");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
        }
    }

    @Test
    void processesAnOrderAndShowsItsEvents() {
        long id = api.createOrder("PROCESS-1", "C", "20.00");

        Reply accepted = api.post("/api/v1/orders/" + id + "/process");
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.data().get("job_id").asText()).hasSize(36);

        await().atMost(Duration.ofSeconds(10)).until(
                () -> api.get("/api/v1/orders/" + id).data().get("status").asText().equals("completed"));
        JsonNode order = api.get("/api/v1/orders/" + id).data();
        assertThat(order.get("paid_at").asText()).endsWith("Z");
        assertThat(order.get("payment_reference").isNull()).isFalse();

        JsonNode events = api.get("/api/v1/orders/" + id + "/events").data().get("events");
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.get("type").asText()));
        assertThat(types).containsExactly("OrderProcessStarted", "StockReserved", "PaymentProcessed", "OrderCompleted");
        assertThat(events.get(0).get("recorded_at").asText()).endsWith("Z");
        assertThat(events.get(0).get("data").isObject()).isTrue();

        Reply again = api.post("/api/v1/orders/" + id + "/process");
        assertThat(again.status()).isEqualTo(409);
        assertThat(api.post("/api/v1/orders/999999/process").status()).isEqualTo(404);
    }

    @Test
    void queuesPendingOrdersAndListsStuckOnes() {
        api.kpi.jobs().pause(QueueNames.ORDER_PROCESSING);
        try {
            api.createOrder("PENDING-1", "BULK", "1.00");
            api.createOrder("PENDING-2", "BULK", "1.00");

            Reply queued = api.post("/api/v1/orders/process-pending");
            assertThat(queued.status()).isEqualTo(202);
            assertThat(queued.data().get("queued").asLong()).isGreaterThanOrEqualTo(2);
        } finally {
            api.kpi.jobs().resume(QueueNames.ORDER_PROCESSING);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get(
                "/api/v1/orders?customer_id=BULK&status=completed").data().get("orders").size() == 2);

        Reply stuck = api.get("/api/v1/orders/stuck?minutes=15");
        assertThat(stuck.status()).isEqualTo(200);
        assertThat(stuck.data().get("orders")).isEmpty();
        assertThat(stuck.data().has("next_cursor")).isTrue();
        assertThat(api.get("/api/v1/orders/stuck?minutes=soon").status()).isEqualTo(400);

        Reply recovered = api.post("/api/v1/orders/recover");
        assertThat(recovered.status()).isEqualTo(202);
        assertThat(recovered.data().get("queued").asInt()).isZero();
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
