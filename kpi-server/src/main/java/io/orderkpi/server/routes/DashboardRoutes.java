package io.orderkpi.server.routes;

import io.orderkpi.server.ServerContext;
import io.orderkpi.server.http.ApiException;
import io.orderkpi.server.http.Request;
import io.orderkpi.server.http.Response;
import io.orderkpi.server.http.RouteOption;
import io.orderkpi.server.http.Router;
import io.orderkpi.server.http.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard (SPEC §9, issue 12): one page and its assets, read from the jar once at start,
 * served at {@code GET /} and {@code GET /assets/{file}} without a token (the page holds no data;
 * it asks for the token and sends it as the bearer header on every API call), plus
 * {@code GET /api/v1/session}, which tells the page what the caller may do.
 *
 * <p>Every file is revalidated on each use ({@code Cache-Control: no-cache} with a strong ETag,
 * 304 when unchanged), so a new jar is picked up at once without renamed files. The page runs
 * under a Content-Security-Policy that allows scripts, styles and requests from this server only
 * and no inline script at all. Thread-safe: the files are immutable after construction.
 */
public final class DashboardRoutes implements Routes {

    /** Where the files live on the class path. */
    static final String RESOURCES = "/io/orderkpi/server/dashboard/";
    /** No inline script or style element, nothing from elsewhere, no framing, no form posts. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";
    static final String CACHE_CONTROL = "no-cache";

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml");

    /** One file of the dashboard, with its validator. */
    private record Asset(byte[] bytes, String contentType, String etag) {
    }

    private final ServerContext context;
    private final Asset index;
    private final Map<String, Asset> assets = new LinkedHashMap<>();
    private final byte[] apiTokenDigest;
    private final byte[] readTokenDigest;

    public DashboardRoutes(ServerContext context) {
        this.context = context;
        this.index = load("index.html");
        for (String name : new String[] {"app.js", "app.css", "favicon.svg"}) {
            assets.put(name, load(name));
        }
        this.apiTokenDigest = context.config().apiToken().map(DashboardRoutes::digest).orElse(null);
        this.readTokenDigest = context.config().readToken().map(DashboardRoutes::digest).orElse(null);
    }

    @Override
    public void register(Router router) {
        router.get("/", request -> serve(request, index), RouteOption.PUBLIC)
                .get("/assets/{file}", this::asset, RouteOption.PUBLIC)
                .get("/api/v1/session", this::session, RouteOption.ANALYTICS);
    }

    private static Asset load(String name) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("The dashboard file " + name + " is missing from the jar");
            }
            byte[] bytes = in.readAllBytes();
            String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            String etag = '"' + HexFormat.of().formatHex(sha256(bytes), 0, 16) + '"';
            return new Asset(bytes, TYPES.get(extension), etag);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the dashboard file " + name, e);
        }
    }

    private Response asset(Request request) {
        String name = request.pathParam("file");
        Asset asset = assets.get(name);
        if (asset == null) {
            throw ApiException.notFound("No dashboard file " + name);
        }
        return serve(request, asset);
    }

    private static Response serve(Request request, Asset asset) {
        boolean unchanged = request.header("If-None-Match")
                .map(tags -> tags.equals("*") || tags.contains(asset.etag())).orElse(false);
        Response response = unchanged ? Response.stream(304, asset.contentType(), out -> { })
                : Response.stream(200, asset.contentType(), out -> out.write(asset.bytes()));
        return response.header("ETag", asset.etag())
                .header("Cache-Control", CACHE_CONTROL)
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer");
    }

    /**
     * What the caller may do, so the page can disable what would be refused: {@code full} (the
     * API token, or no token configured), {@code read} (the read token) or {@code analytics}
     * (no valid token, but public analytics let the request through).
     */
    record Session(boolean authRequired, String access, String zone, String currency, LocalDate today) {
    }

    private Response session(Request request) {
        String access;
        if (apiTokenDigest == null) {
            access = "full";
        } else {
            byte[] given = bearer(request).map(DashboardRoutes::digest).orElse(null);
            if (given != null && MessageDigest.isEqual(given, apiTokenDigest)) {
                access = "full";
            } else if (given != null && readTokenDigest != null && MessageDigest.isEqual(given, readTokenDigest)) {
                access = "read";
            } else {
                // Only public analytics lets a request without a valid token get this far.
                access = "analytics";
            }
        }
        return Response.ok(new Session(apiTokenDigest != null, access, context.kpi().zone().getId(),
                context.config().currency(), context.today()));
    }

    private static Optional<String> bearer(Request request) {
        return request.header("Authorization").filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).strip());
    }

    private static byte[] digest(String token) {
        return sha256(token.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
