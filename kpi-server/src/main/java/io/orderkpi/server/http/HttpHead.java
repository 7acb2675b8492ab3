package io.orderkpi.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The request line and headers of one request, as read from the socket. Header names are
 * case-insensitive. Immutable once parsed.
 *
 * @param method    as sent (methods are case-sensitive)
 * @param rawPath   the path, still percent-encoded
 * @param rawQuery  the query without {@code ?}, still percent-encoded; empty when there is none
 * @param http11    HTTP/1.1 (else HTTP/1.0)
 */
record HttpHead(String method, String rawPath, String rawQuery, boolean http11, Map<String, List<String>> headers) {

    HttpHead {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = copy;
    }

    Optional<String> first(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    List<String> all(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /** Whether the client asks for the connection to stay open after this request. */
    boolean keepAlive() {
        String connection = String.join(",", all("Connection")).toLowerCase(Locale.ROOT);
        if (http11) {
            return !hasToken(connection, "close");
        }
        return hasToken(connection, "keep-alive");
    }

    boolean expectsContinue() {
        return http11 && first("Expect").map(v -> v.equalsIgnoreCase("100-continue")).orElse(false);
    }

    private static boolean hasToken(String list, String token) {
        for (String part : list.split(",")) {
            if (part.strip().equals(token)) {
                return true;
            }
        }
        return false;
    }

    /** Builds the header map while the head is read. */
    static final class Builder {
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        void add(String name, String value) {
            headers.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
        }
    }
}
