package io.orderkpi.server.routes;

import io.orderkpi.server.http.ApiException;
import io.orderkpi.server.http.Request;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The opaque {@code cursor} of keyset-paged lists: the store's key of the next page, base64url
 * encoded with a prefix, so clients treat it as a token and a store may change what it holds
 * without breaking the API. Also builds the list envelope {@code {"<things>":[…],"next_cursor":…}}.
 */
final class Cursor {

    private static final String PREFIX = "k1:";
    static final String INVALID = "Invalid cursor: pass the next_cursor of the previous page unchanged";

    /** Page sizes of every list (SPEC §9: default 50, max 500, out of range clamped). */
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private Cursor() {
    }

    static String encode(long key) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + key).getBytes(StandardCharsets.US_ASCII));
    }

    /** The key of the {@code cursor} parameter, or {@code Long.MAX_VALUE} (the first page) without one. */
    static long from(Request request) {
        Optional<String> cursor = request.query("cursor");
        if (cursor.isEmpty()) {
            return Long.MAX_VALUE;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor.get()), StandardCharsets.US_ASCII);
            if (text.startsWith(PREFIX)) {
                long key = Long.parseLong(text.substring(PREFIX.length()));
                if (key > 0) {
                    return key;
                }
            }
        } catch (IllegalArgumentException e) {
            // NumberFormatException included: reported below like every other bad cursor.
        }
        throw ApiException.badRequest(INVALID);
    }

    static int limit(Request request) {
        return request.clampedInt("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    }

    /** The list envelope's data; {@code next_cursor} is null on the last page. */
    static Map<String, Object> page(String name, List<?> items, OptionalLong nextKey) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(name, items);
        data.put("next_cursor", nextKey.isPresent() ? encode(nextKey.getAsLong()) : null);
        return data;
    }

    /** A list that is never paged (it is short by nature); {@code next_cursor} is always null. */
    static Map<String, Object> whole(String name, List<?> items) {
        return page(name, items, OptionalLong.empty());
    }
}
