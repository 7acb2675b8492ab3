package io.orderkpi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.orderkpi.server.http.Json;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The server with {@code ORDERKPI_NOTIFY_CHANNELS=log,email}, sending to GreenMail over real SMTP. */
class EmailChannelServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(smtpOnAFreePort());

    @TempDir
    Path dir;

    private static ServerSetup smtpOnAFreePort() {
        ServerSetup setup = ServerSetupTest.SMTP.dynamicPort();
        // GreenMail's default of 2 s is too short when the tests share two cores with other builds.
        setup.setServerStartupTimeout(30_000);
        return setup;
    }

    private OrderKpiServer start(int smtpPort) {
        Map<String, String> env = new HashMap<>();
        env.put(ServerConfig.NOTIFY_CHANNELS, "log,email");
        env.put(ServerConfig.SMTP_HOST, "127.0.0.1");
        env.put(ServerConfig.SMTP_PORT, Integer.toString(smtpPort));
        env.put(ServerConfig.SMTP_TLS, "none");
        env.put(ServerConfig.SMTP_FROM, "shop@example.com");
        env.put(ServerConfig.SMTP_CONNECT_TIMEOUT_SECONDS, "5");
        // Half the payments fail (seeded), so both kinds of order mail go out.
        env.put(ServerConfig.STOCK_FAILURE_RATE, "0");
        env.put(ServerConfig.PAYMENT_FAILURE_RATE, "0.5");
        return TestServers.start(dir, env);
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(response.body(), e);
        }
    }

    private static long createAndProcess(OrderKpiServer server, String number) {
        HttpResponse<String> created = TestServers.post(server, "/api/v1/orders", """
                {"order_number":"%s","customer_id":"C-%s","customer_name":"Ada Lovelace",
                 "customer_email":"ada.%s@example.com","total_amount":20.00,
                 "items":[{"product_id":"P-1","product_name":"Mug","sku":"SKU-1","quantity":2,"unit_price":10.00}]}
                """.formatted(number, number, number.toLowerCase()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = json(created).get("data").get("id").asLong();
        assertThat(TestServers.post(server, "/api/v1/orders/" + id + "/process", "{}").statusCode()).isEqualTo(202);
        return id;
    }

    @Test
    void everyCompletedOrFailedOrderGetsOneMailAndTheHistoryShowsBothChannelsSent() throws Exception {
        try (OrderKpiServer server = start(GREEN_MAIL.getSmtp().getPort())) {
            List<Long> ids = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                ids.add(createAndProcess(server, "E-" + i));
            }
            assertThat(TestServers.awaitIdle(server.kpi())).isTrue();

            Map<String, String> expectedSubjects = new HashMap<>();
            for (long id : ids) {
                JsonNode order = json(TestServers.get(server, "/api/v1/orders/" + id)).get("data");
                String status = order.get("status").asText();
                assertThat(status).isIn("completed", "cancelled");
                expectedSubjects.put(order.get("customer_email").asText(), "Order #" + order.get("order_number")
                        .asText() + (status.equals("completed") ? " Confirmed" : " Failed"));
                await().atMost(TIMEOUT).untilAsserted(() -> {
                    JsonNode history = json(TestServers.get(server, "/api/v1/notifications?order_id=" + id))
                            .get("data").get("notifications");
                    assertThat(history).hasSize(2);
                    List<String> channels = new ArrayList<>();
                    history.forEach(n -> {
                        assertThat(n.get("state").asText()).isEqualTo("sent");
                        assertThat(n.get("attempts").asInt()).isEqualTo(1);
                        channels.add(n.get("channel").asText());
                    });
                    assertThat(channels).containsExactlyInAnyOrder("log", "email");
                });
            }
            assertThat(expectedSubjects.values()).anyMatch(s -> s.endsWith("Confirmed"))
                    .anyMatch(s -> s.endsWith("Failed"));

            MimeMessage[] received = GREEN_MAIL.getReceivedMessages();
            assertThat(received).hasSize(ids.size());
            Map<String, String> receivedSubjects = new HashMap<>();
            for (MimeMessage message : received) {
                assertThat(message.getAllRecipients()).hasSize(1);
                assertThat(message.getFrom()[0].toString()).isEqualTo("shop@example.com");
                receivedSubjects.put(((jakarta.mail.internet.InternetAddress) message.getAllRecipients()[0])
                        .getAddress(), message.getSubject());
            }
            assertThat(receivedSubjects).isEqualTo(expectedSubjects);

            JsonNode ready = json(TestServers.get(server, "/ready"));
            assertThat(ready.get("status").asText()).isEqualTo("ready");
            assertThat(ready.get("checks").get("smtp").asText()).isEqualTo("ok");
        }
    }

    @Test
    void readyReportsAnUnreachableSmtpServerByNameWithoutTakingTheApiOutOfService() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        try (OrderKpiServer server = start(closedPort)) {
            HttpResponse<String> response = TestServers.get(server, "/ready");

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode ready = json(response);
            assertThat(ready.get("status").asText()).isEqualTo("ready");
            assertThat(ready.get("checks").get("smtp").asText())
                    .startsWith("127.0.0.1:" + closedPort + " (none): ").contains("onnect");
            assertThat(Arrays.asList("records", "kpis", "relay", "workers"))
                    .allSatisfy(name -> assertThat(ready.get("checks").get(name).asText()).isEqualTo("ok"));
        }
    }
}
