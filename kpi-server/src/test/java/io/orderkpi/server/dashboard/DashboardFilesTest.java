package io.orderkpi.server.dashboard;

import static io.orderkpi.server.TestServers.API_TOKEN;
import static io.orderkpi.server.TestServers.READ_TOKEN;
import static io.orderkpi.server.TestServers.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.ServerConfig;
import io.orderkpi.server.TestServers;
import io.orderkpi.server.http.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's files over plain HTTP: types, caching, the CSP, and who may fetch what. */
class DashboardFilesTest {

    @TempDir
    static Path dir;

    static OrderKpiServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(dir, Map.of(ServerConfig.API_TOKEN, API_TOKEN, ServerConfig.READ_TOKEN, READ_TOKEN,
                ServerConfig.CURRENCY, "EUR"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void thePageAndItsAssetsAreServedWithoutATokenWithTheirTypesAndCachingHeaders() {
        assertServed("/", "text/html; charset=utf-8");
        assertServed("/assets/app.js", "text/javascript; charset=utf-8");
        assertServed("/assets/app.css", "text/css; charset=utf-8");
        assertServed("/assets/favicon.svg", "image/svg+xml");
    }

    private static void assertServed(String path, String type) {
        HttpResponse<String> response = get(server, path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue(type);
        assertThat(response.headers().firstValue("Cache-Control")).as(path).hasValue("no-cache");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
        String etag = response.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        assertThat(response.body()).isNotEmpty();

        HttpResponse<String> again = get(server, path, "If-None-Match", etag);
        assertThat(again.statusCode()).as(path + " unchanged").isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("ETag")).hasValue(etag);
        assertThat(get(server, path, "If-None-Match", "\"0000\"").statusCode()).as(path + " changed").isEqualTo(200);
    }

    @Test
    void theContentSecurityPolicyAllowsScriptsFromTheServerOnlyAndThePageHasNoInlineScript() {
        HttpResponse<String> page = get(server, "/");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("script-src 'self'", "default-src 'none'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");

        String html = page.body();
        Matcher scripts = Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
        int count = 0;
        while (scripts.find()) {
            count++;
            assertThat(scripts.group(1)).contains("src=\"/assets/app.js\"");
            assertThat(scripts.group(2)).isBlank();
        }
        assertThat(count).isEqualTo(1);
        // Nothing from elsewhere, no inline handlers or styles (the CSP would block them anyway).
        assertThat(html).doesNotContainPattern("(?i)\\son[a-z]+=").doesNotContain("style=", "http://", "https://");
        assertThat(get(server, "/assets/app.js").body()).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML",
                "document.write", "eval(", "localStorage");
    }

    @Test
    void anUnknownAssetIsAJson404AndTheApiStillNeedsTheToken() {
        HttpResponse<String> missing = get(server, "/assets/secret.txt");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"success\":false");
        // A path that climbs out of /assets/ is not a public path: without a token it is refused.
        assertThat(get(server, "/assets/..%2Fapp.js").statusCode()).isEqualTo(401);
        assertThat(get(server, "/assets/..%2Fapp.js", "Authorization", "Bearer " + API_TOKEN).statusCode())
                .isEqualTo(404);

        assertThat(get(server, "/api/v1/session").statusCode()).isEqualTo(401);
        assertThat(get(server, "/api/v1/queues").statusCode()).isEqualTo(401);
    }

    @Test
    void theSessionTellsThePageWhatTheTokenMayDo() throws Exception {
        JsonNode full = session("Authorization", "Bearer " + API_TOKEN);
        assertThat(full.get("access").asText()).isEqualTo("full");
        assertThat(full.get("auth_required").asBoolean()).isTrue();
        assertThat(full.get("currency").asText()).isEqualTo("EUR");
        assertThat(full.get("zone").asText()).isEqualTo("UTC");
        assertThat(full.get("today").asText()).isIn(LocalDate.now(ZoneOffset.UTC).toString(),
                LocalDate.now(ZoneOffset.UTC).minusDays(1).toString());

        assertThat(session("Authorization", "Bearer " + READ_TOKEN).get("access").asText()).isEqualTo("read");
        assertThat(session("Authorization", "bearer " + READ_TOKEN).get("access").asText()).isEqualTo("read");
        assertThat(get(server, "/api/v1/session", "Authorization", "Bearer " + API_TOKEN + "x").statusCode())
                .isEqualTo(401);
    }

    @Test
    void withPublicAnalyticsTheSessionAnswersWithoutATokenAndSaysSo(@TempDir Path other) throws Exception {
        try (OrderKpiServer open = TestServers.start(other, Map.of(ServerConfig.API_TOKEN, API_TOKEN,
                ServerConfig.PUBLIC_ANALYTICS, "true"))) {
            HttpResponse<String> response = get(open, "/api/v1/session");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(response.body()).get("data").get("access").asText()).isEqualTo("analytics");
            HttpResponse<String> wrong = get(open, "/api/v1/session", "Authorization", "Bearer wrong");
            assertThat(Json.MAPPER.readTree(wrong.body()).get("data").get("access").asText()).isEqualTo("analytics");
            assertThat(get(open, "/api/v1/queues").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void withoutATokenConfiguredEveryoneHasFullAccess(@TempDir Path other) throws Exception {
        try (OrderKpiServer open = TestServers.start(other, Map.of())) {
            JsonNode data = Json.MAPPER.readTree(get(open, "/api/v1/session").body()).get("data");
            assertThat(data.get("access").asText()).isEqualTo("full");
            assertThat(data.get("auth_required").asBoolean()).isFalse();
            assertThat(data.get("currency").asText()).isEqualTo("USD");
        }
    }

    private static JsonNode session(String... headers) throws Exception {
        HttpResponse<String> response = get(server, "/api/v1/session", headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body()).get("data");
    }
}
