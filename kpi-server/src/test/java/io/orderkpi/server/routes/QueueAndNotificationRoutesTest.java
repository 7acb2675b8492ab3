package io.orderkpi.server.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationMessage;
import io.orderkpi.core.spi.Notifier;
import io.orderkpi.server.routes.ApiFixture.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queues and notifications share a server whose second channel ({@code email}) is down until a
 * test brings it up: a real way to fill the failed list, since each attempt fails at once.
 */
class QueueAndNotificationRoutesTest {

    /** The e-mail relay of the test: down (every send throws) until set up. */
    static final AtomicBoolean MAIL_UP = new AtomicBoolean();

    static final class FlakyMail implements Notifier {
        @Override
        public String channel() {
            return "email";
        }

        @Override
        public void send(Notification notification, NotificationMessage message) throws Exception {
            if (!MAIL_UP.get()) {
                throw new java.io.IOException("SMTP relay unreachable");
            }
        }
    }

    @TempDir
    static Path dir;
    static ApiFixture api;

    @BeforeAll
    static void start() {
        api = ApiFixture.start(dir, builder -> builder.notifier(new io.orderkpi.core.notifier.LogNotifier())
                .notifier(new FlakyMail()).jobAttempts(1));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static long completedOrder(String number, String customer) {
        long id = api.createOrder(number, customer, "25.00");
        api.post("/api/v1/orders/" + id + "/process");
        await().atMost(Duration.ofSeconds(10)).until(
                () -> api.get("/api/v1/orders/" + id).data().get("status").asText().equals("completed"));
        return id;
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.forEach(j -> ids.add(j.get("id").asText()));
        return ids;
    }

    @Test
    void listsNotificationsWithEveryFieldAndTheStatusAlias() {
        long id = completedOrder("NOTIFY-1", "NOTIFIED");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/notifications?order_id=" + id
                + "&status=sent").data().get("notifications").size() == 1);

        JsonNode sent = api.get("/api/v1/notifications?order_id=" + id + "&status=sent").data();
        JsonNode log = sent.get("notifications").get(0);
        assertThat(log.get("channel").asText()).isEqualTo("log");
        assertThat(log.get("type").asText()).isEqualTo("order_completed");
        assertThat(log.get("state").asText()).isEqualTo("sent");
        assertThat(log.get("customer_id").asText()).isEqualTo("NOTIFIED");
        assertThat(log.get("order_status").asText()).isEqualTo("completed");
        assertThat(log.get("attempts").asInt()).isEqualTo(1);
        assertThat(log.get("sent_at").asText()).endsWith("Z");
        for (String field : List.of("order_id", "refund_id", "total_amount", "message", "error_message",
                "created_at")) {
            assertThat(log.has(field)).as(field).isTrue();
        }
        assertThat(sent.get("next_cursor").isNull()).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/notifications?order_id=" + id
                + "&state=failed").data().get("notifications").size() == 1);
        JsonNode failed = api.get("/api/v1/notifications?order_id=" + id + "&state=failed&type=order_completed")
                .data().get("notifications").get(0);
        assertThat(failed.get("channel").asText()).isEqualTo("email");
        assertThat(failed.get("error_message").asText()).contains("SMTP relay unreachable");

        assertThat(api.get("/api/v1/notifications?customer_id=NOTIFIED").data().get("notifications")).hasSize(2);
        assertThat(api.get("/api/v1/notifications?status=lost").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/notifications?type=parcel").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/notifications?state=sent&status=failed").status()).isEqualTo(400);
    }

    @Test
    void listsRetriesAndForgetsFailedJobs() {
        completedOrder("FAILJOB-1", "FAILING");
        await().atMost(Duration.ofSeconds(10)).until(() -> !api.get("/api/v1/queues/failed?queue=notifications&q=smtp")
                .data().get("failed_jobs").isEmpty());

        JsonNode job = api.get("/api/v1/queues/failed?queue=notifications&q=smtp").data().get("failed_jobs").get(0);
        assertThat(job.get("queue").asText()).isEqualTo("notifications");
        assertThat(job.get("last_error").asText()).contains("SMTP relay unreachable");
        assertThat(job.get("attempts").asInt()).isEqualTo(1);
        for (String field : List.of("id", "type", "subject", "enqueued_at", "failed_at")) {
            assertThat(job.has(field)).as(field).isTrue();
        }
        assertThat(job.get("subject").asText()).matches("notification \\d+");
        assertThat(job.has("payload")).as("never the payload").isFalse();
        String jobId = job.get("id").asText();

        Reply retried = api.post("/api/v1/queues/failed/" + jobId + "/retry");
        assertThat(retried.status()).isEqualTo(200);
        // Still down: the retried job fails again and is back in the list.
        await().atMost(Duration.ofSeconds(10)).until(() -> ids(api.get("/api/v1/queues/failed").data()
                .get("failed_jobs")).contains(jobId));

        assertThat(api.delete("/api/v1/queues/failed/" + jobId).status()).isEqualTo(200);
        assertThat(ids(api.get("/api/v1/queues/failed").data().get("failed_jobs"))).doesNotContain(jobId);
        assertThat(api.delete("/api/v1/queues/failed/" + jobId).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/queues/failed/" + jobId + "/retry").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/queues/failed/not-a-uuid/retry").status()).isEqualTo(404);

        long second = completedOrder("FAILJOB-2", "FAILING");
        await().atMost(Duration.ofSeconds(10)).until(() -> !api.get("/api/v1/queues/failed?queue=notifications")
                .data().get("failed_jobs").isEmpty());
        MAIL_UP.set(true);
        try {
            Reply all = api.post("/api/v1/queues/failed/retry-all?queue=notifications");
            assertThat(all.status()).isEqualTo(200);
            assertThat(all.data().get("retried").asLong()).isPositive();
            // The first order's job was forgotten, so only the second order's notification is sent now.
            await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/notifications?order_id=" + second
                    + "&state=failed").data().get("notifications").isEmpty());
        } finally {
            MAIL_UP.set(false);
        }
        Reply forgotten = api.delete("/api/v1/queues/failed?queue=notifications");
        assertThat(forgotten.status()).isEqualTo(200);
        assertThat(forgotten.data().has("forgotten")).isTrue();
        assertThat(api.get("/api/v1/queues/failed?queue=nope").status()).isEqualTo(404);
    }

    @Test
    void pagesFailedJobsWithLimitAndCursor() {
        completedOrder("FAILPAGE-1", "FAILING");
        completedOrder("FAILPAGE-2", "FAILING");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/queues/failed?queue=notifications&q=smtp")
                .data().get("failed_jobs").size() >= 2);

        JsonNode first = api.get("/api/v1/queues/failed?queue=notifications&q=smtp&limit=1").data();
        assertThat(first.get("failed_jobs")).hasSize(1);
        String cursor = first.get("next_cursor").asText();
        JsonNode second = api.get("/api/v1/queues/failed?queue=notifications&q=smtp&limit=1&cursor=" + cursor).data();

        assertThat(second.get("failed_jobs")).hasSize(1);
        assertThat(ids(second.get("failed_jobs"))).doesNotContainAnyElementsOf(ids(first.get("failed_jobs")));
        assertThat(api.get("/api/v1/queues/failed?cursor=not-a-cursor").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/queues/failed?limit=many").status()).isEqualTo(400);
    }

    @Test
    void pausesContinuesAndClearsAQueue() {
        Reply paused = api.post("/api/v1/queues/order-processing/pause");
        assertThat(paused.status()).isEqualTo(200);
        try {
            long id = api.createOrder("PAUSED-1", "PAUSER", "3.00");
            assertThat(api.post("/api/v1/orders/" + id + "/process").status()).isEqualTo(202);

            JsonNode queue = queue("order-processing");
            assertThat(queue.get("paused").asBoolean()).isTrue();
            assertThat(queue.get("pending").asLong()).isEqualTo(1);
            for (String field : List.of("running", "completed", "failed", "throughput_per_minute", "wait_p50_ms",
                    "wait_p95_ms")) {
                assertThat(queue.has(field)).as(field).isTrue();
            }

            Reply cleared = api.delete("/api/v1/queues/order-processing/jobs");
            assertThat(cleared.status()).isEqualTo(200);
            assertThat(cleared.data().get("cleared").asLong()).isEqualTo(1);
            assertThat(queue("order-processing").get("pending").asLong()).isZero();
        } finally {
            assertThat(api.post("/api/v1/queues/order-processing/continue").status()).isEqualTo(200);
        }
        assertThat(queue("order-processing").get("paused").asBoolean()).isFalse();

        assertThat(api.post("/api/v1/queues/no-such-queue/pause").status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/queues/no-such-queue/jobs").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/queues/order-processing/pause").status()).isEqualTo(405);
    }

    private static JsonNode queue(String name) {
        JsonNode data = api.get("/api/v1/queues").data();
        assertThat(data.get("next_cursor").isNull()).isTrue();
        for (JsonNode queue : data.get("queues")) {
            if (queue.get("name").asText().equals(name)) {
                return queue;
            }
        }
        throw new AssertionError("No queue " + name + " in " + data);
    }
}
