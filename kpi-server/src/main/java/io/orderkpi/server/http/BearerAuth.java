package io.orderkpi.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * SPEC §9 auth: with an API token set, every request but {@code GET}/{@code HEAD} of
 * {@code /health}, {@code /} and {@code /assets/*} needs {@code Authorization: Bearer <token>},
 * unknown routes and wrong methods included (so routes cannot be discovered without a token);
 * the read token opens GETs only (403 on changes); public analytics opens the
 * {@link RouteOption#ANALYTICS} GETs. Tokens come from that header only (never a query string or
 * cookie), are compared in constant time, and are never logged. Thread-safe.
 */
final class BearerAuth {

    private final byte[] apiDigest;
    private final byte[] readDigest;
    private final boolean publicAnalytics;

    BearerAuth(Optional<String> apiToken, Optional<String> readToken, boolean publicAnalytics) {
        this.apiDigest = apiToken.map(BearerAuth::digest).orElse(null);
        this.readDigest = readToken.map(BearerAuth::digest).orElse(null);
        this.publicAnalytics = publicAnalytics;
    }

    /**
     * Checks a request before anything else about it is answered and before its body is read.
     *
     * @param route   the matched route; empty for an unknown path or a wrong method
     * @param rawPath the request path as sent
     * @throws ApiException 401 or 403
     */
    void check(Optional<Route> route, String method, String rawPath, Optional<String> authorization) {
        boolean reading = method.equals("GET") || method.equals("HEAD");
        if (apiDigest == null || reading && isPublicPath(rawPath)) {
            return;
        }
        if (reading && publicAnalytics && route.map(r -> r.has(RouteOption.ANALYTICS)).orElse(false)) {
            return;
        }
        Optional<String> token = authorization.filter(h -> h.length() > 7
                && h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")).map(h -> h.substring(7).strip());
        if (token.isEmpty()) {
            throw new ApiException(401, "Authentication required: send Authorization: Bearer <token>");
        }
        // Digests first: equal lengths, so isEqual's time does not depend on the token's length either.
        byte[] given = digest(token.get());
        if (MessageDigest.isEqual(given, apiDigest)) {
            return;
        }
        if (readDigest != null && MessageDigest.isEqual(given, readDigest)) {
            if (reading) {
                return;
            }
            throw new ApiException(403, "The read token cannot change state");
        }
        throw new ApiException(401, "Invalid token");
    }

    /** {@code /health}, {@code /} and the dashboard's static files under {@code /assets/}. */
    static boolean isPublicPath(String rawPath) {
        return rawPath.equals("/health") || rawPath.equals("/") || rawPath.startsWith("/assets/")
                && !rawPath.contains("..");
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
