package io.orderkpi.server.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Maps a method and a path to a {@link Route}: templates with {@code {name}} segments, literal
 * segments winning over parameters ({@code /orders/stuck} before {@code /orders/{id}}). An
 * unknown path is a 404; a known path with another method a 405 with an {@code Allow} header.
 *
 * <p>Filled while the server starts (not thread-safe then), read-only afterwards.
 */
public final class Router {

    private final List<Route> routes = new ArrayList<>();
    private boolean sealed;

    public Router get(String template, Handler handler, RouteOption... options) {
        return add("GET", template, handler, options);
    }

    public Router post(String template, Handler handler, RouteOption... options) {
        return add("POST", template, handler, options);
    }

    public Router put(String template, Handler handler, RouteOption... options) {
        return add("PUT", template, handler, options);
    }

    public Router delete(String template, Handler handler, RouteOption... options) {
        return add("DELETE", template, handler, options);
    }

    /**
     * Registers an endpoint.
     *
     * @param template a path starting with {@code /}; segments in braces are parameters, read
     *                 with {@link Request#pathParam}
     * @throws IllegalStateException when the method and template are registered already
     */
    public Router add(String method, String template, Handler handler, RouteOption... options) {
        if (sealed) {
            throw new IllegalStateException("Routes are fixed once the server runs: " + template);
        }
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("A route template starts with '/': " + template);
        }
        String upper = method.toUpperCase(Locale.ROOT);
        for (Route route : routes) {
            if (route.method().equals(upper) && route.template().equals(template)) {
                throw new IllegalStateException("Route registered twice: " + upper + " " + template);
            }
        }
        EnumSet<RouteOption> set = EnumSet.noneOf(RouteOption.class);
        set.addAll(Arrays.asList(options));
        if (set.contains(RouteOption.PUBLIC) && !(upper.equals("GET") && BearerAuth.isPublicPath(template))) {
            throw new IllegalArgumentException("Only GET /health, / and /assets/... can be public: " + upper + " "
                    + template);
        }
        routes.add(new Route(upper, template, split(template), handler, set));
        return this;
    }

    /** Registers a group of endpoints. */
    public Router include(Routes group) {
        group.register(this);
        return this;
    }

    public List<Route> routes() {
        return Collections.unmodifiableList(routes);
    }

    void seal() {
        sealed = true;
    }

    /** The outcome of matching a request: a route with its parameters, or why none matched. */
    public sealed interface Match permits Found, NotFound, MethodNotAllowed {
    }

    /** @param params decoded path parameters by name */
    public record Found(Route route, Map<String, String> params) implements Match {
    }

    public record NotFound() implements Match {
    }

    /** @param allowed the methods the path does accept, for the {@code Allow} header */
    public record MethodNotAllowed(List<String> allowed) implements Match {
    }

    /** Matches a request; {@code rawPath} is still percent-encoded. */
    public Match match(String method, String rawPath) {
        List<String> segments = split(rawPath);
        Found best = null;
        TreeSet<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Optional<Map<String, String>> params = bind(route, segments);
            if (params.isEmpty()) {
                continue;
            }
            allowed.add(route.method());
            if (route.method().equals("GET")) {
                allowed.add("HEAD");
            }
            if (route.method().equals(method) && (best == null || moreSpecific(route, best.route()))) {
                best = new Found(route, params.get());
            }
        }
        if (best != null) {
            return best;
        }
        return allowed.isEmpty() ? new NotFound() : new MethodNotAllowed(List.copyOf(allowed));
    }

    private static Optional<Map<String, String>> bind(Route route, List<String> segments) {
        List<String> template = route.segments();
        if (template.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String expected = template.get(i);
            String actual = segments.get(i);
            if (Route.isParameter(expected)) {
                String value = decode(actual);
                if (value == null || value.isEmpty()) {
                    return Optional.empty();
                }
                params.put(expected.substring(1, expected.length() - 1), value);
            } else if (!expected.equals(actual) && !expected.equals(decode(actual))) {
                // "/orders/%73tuck" is "/orders/stuck" (RFC 3986 §6.2.2.2), not the order with id "stuck".
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    /** The first segment where one is literal and the other a parameter decides. */
    private static boolean moreSpecific(Route a, Route b) {
        for (int i = 0; i < a.segments().size(); i++) {
            boolean literalA = !Route.isParameter(a.segments().get(i));
            boolean literalB = !Route.isParameter(b.segments().get(i));
            if (literalA != literalB) {
                return literalA;
            }
        }
        return false;
    }

    private static List<String> split(String path) {
        String trimmed = path;
        // "/health/" is "/health": a trailing slash is not a different resource.
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.equals("/") || trimmed.isEmpty()) {
            return List.of();
        }
        return List.of(trimmed.substring(1).split("/", -1));
    }

    /** Percent-decodes a path segment ({@code +} stays a plus); null when malformed. */
    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        byte[] out = new byte[segment.length()];
        int n = 0;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    return null;
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out[n++] = (byte) (hi * 16 + lo);
                i += 2;
            } else if (c < 0x80) {
                out[n++] = (byte) c;
            } else {
                return null;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
