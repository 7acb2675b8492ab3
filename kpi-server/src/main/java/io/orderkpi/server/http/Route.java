package io.orderkpi.server.http;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One registered endpoint: method, path template ({@code /api/v1/orders/{id}}) and handler.
 * Immutable.
 *
 * @param segments the template split at {@code /}; a segment in braces is a parameter
 */
public record Route(String method, String template, List<String> segments, Handler handler,
        Set<RouteOption> options) {

    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(handler, "handler");
        segments = List.copyOf(segments);
        options = Set.copyOf(options);
    }

    public boolean has(RouteOption option) {
        return options.contains(option);
    }

    static boolean isParameter(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }
}
