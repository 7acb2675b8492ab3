package io.orderkpi.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.ServerConfig;
import io.orderkpi.server.TestServers;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 429 of a full import pool and the 503 of a server that is not ready. */
class BusyAndNotReadyTest {

    static final String HEADER = "order_number,customer_id,total_amount,item1_product_id,item1_quantity,"
            + "item1_unit_price\n";

    @TempDir
    Path dir;

    @Test
    void answers429WhileEveryImportSlotIsTakenAndServesOtherRequests() throws Exception {
        try (OrderKpiServer server = TestServers.start(dir, Map.of(ServerConfig.IMPORT_SLOTS, "1"));
                Socket slowUpload = new Socket(server.uri().getHost(), server.port())) {
            // An upload that announces more than it sends holds the only import slot while it reads.
            OutputStream out = slowUpload.getOutputStream();
            out.write(("POST /api/v1/imports HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
                    + "Content-Length: 1000000\r\n\r\n" + HEADER).getBytes(StandardCharsets.US_ASCII));
            out.flush();

            int[] n = {0};
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String csv = HEADER + "B-" + (n[0]++) + ",c1,5.00,P1,1,5.00\n";
                HttpResponse<String> second = TestServers.send(server, HttpRequest.newBuilder(
                        TestServers.uri(server, "/api/v1/imports")).header("Content-Type", "text/csv")
                        .POST(HttpRequest.BodyPublishers.ofString(csv)));
                assertThat(second.statusCode()).isEqualTo(429);
                assertThat(second.body()).contains("\"success\":false").contains("Too many imports");
            });
            assertThat(TestServers.get(server, "/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void isNotReadyWhileTheRelayIsDown() {
        try (OrderKpiServer server = TestServers.start(dir, Map.of())) {
            assertThat(TestServers.get(server, "/ready").statusCode()).isEqualTo(200);

            server.kpi().relay().close();

            HttpResponse<String> ready = TestServers.get(server, "/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"status\":\"not_ready\"").contains("\"relay\":\"not running\"")
                    .contains("\"records\":\"ok\"");
        }
    }
}
