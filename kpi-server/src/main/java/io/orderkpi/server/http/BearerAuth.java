package io.orderkpi.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * SPEC §9 auth: with an API token set, every route but the {@link RouteOption#PUBLIC} ones needs
 * {@code Authorization: Bearer <token>}; the read token opens GETs only (403 on changes);
 * public analytics opens the {@link RouteOption#ANALYTICS} GETs. Tokens come from that header
 * only (never a query string or cookie), are compared in constant time, and are never logged.
 * Thread-safe.
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
     * Checks a request before its body is read.
     *
     * @throws ApiException 401 or 403
     */
    void check(Route route, String method, Optional<String> authorization) {
        if (apiDigest == null || route.has(RouteOption.PUBLIC)) {
            return;
        }
        boolean reading = method.equals("GET") || method.equals("HEAD");
        if (reading && publicAnalytics && route.has(RouteOption.ANALYTICS)) {
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

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
