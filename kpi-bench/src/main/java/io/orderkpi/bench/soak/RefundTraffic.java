package io.orderkpi.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One refund request per tick on completed orders, in three scenarios taken in turn: a partial
 * refund sent twice with the same refund_id, a full refund sent twice with the same refund_id,
 * and a partial refund followed by a full one (which refunds what remains). The repeats must be
 * answered 200 with the first refund. Each order is refunded by this one thread, never by two
 * requests at once, so every request is valid and any refusal is a failure.
 */
final class RefundTraffic implements Runnable {

    private final Api api;
    private final Queue<Step> steps = new ArrayDeque<>();
    private final Set<Long> planned = new HashSet<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong repeats = new AtomicLong();
    private final AtomicLong repeatsAnsweredFirst = new AtomicLong();
    private long scenario;

    RefundTraffic(Api api) {
        this.api = api;
    }

    /** One request of a scenario; {@code repeat} when it must return the first refund. */
    private record Step(long orderId, String type, String amount, String refundId, boolean repeat) {
    }

    @Override
    public void run() {
        if (steps.isEmpty()) {
            plan();
        }
        Step step = steps.poll();
        if (step == null) {
            return; // no completed order yet: the first imports are still being processed
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", step.type());
        if (step.amount() != null) {
            body.put("amount", step.amount());
        }
        body.put("reason", "soak");
        body.put("refund_id", step.refundId());
        Api.Answer answer = api.postJson("POST /orders/{id}/refunds " + step.type() + (step.repeat() ? " again" : ""),
                "/api/v1/orders/" + step.orderId() + "/refunds", body);
        sent.incrementAndGet();
        if (step.repeat()) {
            repeats.incrementAndGet();
            if (answer.status() == 200 && step.refundId().equals(answer.data().path("refund_id").asText())) {
                repeatsAnsweredFirst.incrementAndGet();
            }
        }
    }

    /** Plans the scenarios of the completed orders not refunded yet. */
    private void plan() {
        Api.Answer answer = api.get("GET /orders?status=completed", "/api/v1/orders?status=completed&limit=50");
        for (JsonNode order : answer.data().path("orders")) {
            long id = order.path("id").asLong();
            if (!planned.add(id)) {
                continue;
            }
            long cents = new BigDecimal(order.path("total_amount").asText()).movePointRight(2).longValueExact();
            String third = BigDecimal.valueOf(Math.max(1, cents / 3), 2).toPlainString();
            String refundId = "soak-" + id + "-";
            switch ((int) (scenario++ % 3)) {
                case 0 -> {
                    steps.add(new Step(id, "partial", third, refundId + "a", false));
                    steps.add(new Step(id, "partial", third, refundId + "a", true));
                }
                case 1 -> {
                    steps.add(new Step(id, "full", null, refundId + "a", false));
                    steps.add(new Step(id, "full", null, refundId + "a", true));
                }
                default -> {
                    steps.add(new Step(id, "partial", third, refundId + "a", false));
                    steps.add(new Step(id, "full", null, refundId + "b", false));
                }
            }
        }
    }

    long sent() {
        return sent.get();
    }

    long repeats() {
        return repeats.get();
    }

    long repeatsAnsweredFirst() {
        return repeatsAnsweredFirst.get();
    }
}
