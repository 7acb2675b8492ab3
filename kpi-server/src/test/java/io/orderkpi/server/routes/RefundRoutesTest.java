package io.orderkpi.server.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.server.routes.ApiFixture.Reply;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefundRoutesTest {

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

    private static long completedOrder(String number, String customer) {
        long id = api.createOrder(number, customer, "50.00");
        api.post("/api/v1/orders/" + id + "/process");
        awaitStatus(id, "completed");
        return id;
    }

    private static void awaitStatus(long orderId, String status) {
        await().atMost(Duration.ofSeconds(10)).until(
                () -> api.get("/api/v1/orders/" + orderId).data().get("status").asText().equals(status));
    }

    private static Reply refund(long orderId, String json) {
        return api.postJson("/api/v1/orders/" + orderId + "/refunds", json);
    }

    @Test
    void aFullRefundStatingAnAmountMustStateTheRemainder() {
        long id = completedOrder("REFUND-FULL-AMOUNT", "REFUNDER");

        Reply wrong = refund(id, "{\"type\":\"full\",\"amount\":\"10.00\"}");
        Reply cent = refund(id, "{\"type\":\"full\",\"amount\":\"49.99\"}");
        Reply exact = refund(id, "{\"type\":\"full\",\"amount\":\"50.00\"}");

        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("\"error\":\"amount: a full refund refunds what remains of order " + id
                + ", 50.00, not 10.00; leave amount out, or ask a partial refund\"");
        assertThat(cent.status()).isEqualTo(400);
        assertThat(exact.status()).isEqualTo(202);
        assertThat(exact.data().get("type").asText()).isEqualTo("full");
        awaitStatus(id, "refunded");
    }

    @Test
    void refundsPartlyThenFullyWithIdempotentRefundIds() {
        long id = completedOrder("REFUND-1", "REFUNDER");

        Reply partial = refund(id, "{\"type\":\"partial\",\"amount\":\"10.00\",\"reason\":\"damaged\",\"refund_id\":\"r-1\"}");
        assertThat(partial.status()).isEqualTo(202);
        JsonNode refund = partial.data();
        assertThat(refund.get("refund_id").asText()).isEqualTo("r-1");
        assertThat(refund.get("order_id").asLong()).isEqualTo(id);
        assertThat(refund.get("customer_id").asText()).isEqualTo("REFUNDER");
        assertThat(refund.get("type").asText()).isEqualTo("partial");
        assertThat(partial.body()).contains("\"amount\":10.00");
        assertThat(refund.get("reason").asText()).isEqualTo("damaged");
        assertThat(refund.get("status").asText()).isEqualTo("pending");
        assertThat(refund.has("failure_reason")).isTrue();
        assertThat(refund.has("payment_reference")).isTrue();
        assertThat(refund.has("processed_at")).isTrue();
        assertThat(refund.get("created_at").asText()).endsWith("Z");
        awaitStatus(id, "partially_refunded");

        Reply same = refund(id, "{\"type\":\"partial\",\"amount\":10.00,\"refund_id\":\"r-1\"}");
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.data().get("refund_id").asText()).isEqualTo("r-1");
        assertThat(same.data().get("status").asText()).isEqualTo("completed");

        Reply conflict = refund(id, "{\"type\":\"partial\",\"amount\":\"11.00\",\"refund_id\":\"r-1\"}");
        assertThat(conflict.status()).isEqualTo(409);

        Reply over = refund(id, "{\"type\":\"partial\",\"amount\":\"40.01\"}");
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.error()).contains("exceeds the refundable 40.00");

        Reply full = refund(id, "{\"type\":\"full\"}");
        assertThat(full.status()).isEqualTo(202);
        assertThat(full.body()).contains("\"amount\":40.00");
        awaitStatus(id, "refunded");

        Reply notRefundable = refund(id, "{\"type\":\"full\"}");
        assertThat(notRefundable.status()).isEqualTo(409);
        assertThat(notRefundable.error()).contains("refunded");

        JsonNode refunds = api.get("/api/v1/refunds?order_id=" + id).data();
        assertThat(refunds.get("refunds")).hasSize(2);
        assertThat(refunds.get("refunds").get(0).get("type").asText()).isEqualTo("full");
        assertThat(refunds.get("next_cursor").isNull()).isTrue();
        assertThat(api.get("/api/v1/refunds?customer_id=REFUNDER&type=partial&status=completed").data()
                .get("refunds")).hasSize(1);
    }

    @Test
    void refusesBadRefundRequests() {
        long pending = api.createOrder("REFUND-PENDING", "C", "5.00");
        assertThat(refund(pending, "{\"type\":\"full\"}").status()).isEqualTo(409);
        assertThat(refund(999_999, "{\"type\":\"full\"}").status()).isEqualTo(404);

        long id = completedOrder("REFUND-BAD", "C");
        assertThat(refund(id, "{\"type\":\"partial\"}").status()).isEqualTo(400);
        assertThat(refund(id, "{\"type\":\"partial\",\"amount\":\"0\"}").status()).isEqualTo(400);
        assertThat(refund(id, "{\"type\":\"partial\",\"amount\":\"1.005\"}").status()).isEqualTo(400);
        assertThat(refund(id, "{\"type\":\"some\"}").error()).startsWith("type: ");
        assertThat(refund(id, "{}").error()).startsWith("type: ");
        assertThat(api.get("/api/v1/refunds?order_id=x").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/refunds?status=done").status()).isEqualTo(400);
    }

    @Test
    void pagesThroughRefundsWithoutRepeats() {
        long id = completedOrder("REFUND-PAGES", "PAGED");
        for (int i = 0; i < 5; i++) {
            assertThat(refund(id, "{\"type\":\"partial\",\"amount\":\"1.00\",\"refund_id\":\"page-" + i + "\"}")
                    .status()).isEqualTo(202);
        }
        java.util.List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/api/v1/refunds?order_id=" + id + "&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor)).data();
            page.get("refunds").forEach(r -> seen.add(r.get("refund_id").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);

        assertThat(seen).containsExactly("page-4", "page-3", "page-2", "page-1", "page-0");
    }
}
