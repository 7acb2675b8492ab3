package io.orderkpi.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One request as a {@link Handler} sees it: path parameters, query parameters with parsing
 * helpers that answer the API's standard 400s, headers, and the body (parsed as JSON, or streamed
 * for uploads) within its size limit. Used by one thread.
 */
public final class Request {

    /** The message of every malformed or impossible date (SPEC §9). */
    public static final String INVALID_DATE = "Invalid date format. Expected YYYY-MM-DD";

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final HttpHead head;
    private final Route route;
    private final Map<String, String> pathParams;
    private final Map<String, String> query;
    private final String requestId;
    private final InputStream body;

    Request(HttpHead head, Route route, Map<String, String> pathParams, String requestId, InputStream body) {
        this.head = head;
        this.route = route;
        this.pathParams = pathParams;
        this.query = parseQuery(head.rawQuery());
        this.requestId = requestId;
        this.body = body;
    }

    /** The method as sent ({@code HEAD} is served by the {@code GET} route). */
    public String method() {
        return head.method();
    }

    /** The request path, percent-decoded where it is well-formed. */
    public String path() {
        String decoded = Router.decode(head.rawPath());
        return decoded != null ? decoded : head.rawPath();
    }

    /** The matched route's template, e.g. {@code /api/v1/orders/{id}}. */
    public String template() {
        return route.template();
    }

    public String requestId() {
        return requestId;
    }

    // ---- path parameters

    /** A decoded path parameter of the route template. */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalStateException("Route " + route.template() + " has no parameter {" + name + "}");
        }
        return value;
    }

    /** A path parameter as a date: YYYY-MM-DD, else 400 {@value #INVALID_DATE}. */
    public LocalDate pathDate(String name) {
        return parseDate(pathParam(name));
    }

    /** A path parameter as a long id: 404 when it is not one (no such resource can exist). */
    public long pathId(String name) {
        String value = pathParam(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("Not found: " + value);
        }
    }

    // ---- query parameters

    /** Every query parameter (the first value of each), decoded. */
    public Map<String, String> queryParams() {
        return query;
    }

    /** A query parameter; absent when missing or empty. */
    public Optional<String> query(String name) {
        String value = query.get(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** A query parameter that must be present, else 400 with {@code missingMessage}. */
    public String requiredQuery(String name, String missingMessage) {
        return query(name).orElseThrow(() -> ApiException.badRequest(missingMessage));
    }

    /** An optional date parameter: YYYY-MM-DD, else 400 {@value #INVALID_DATE}. */
    public Optional<LocalDate> optionalDate(String name) {
        return query(name).map(Request::parseDate);
    }

    /** A required date parameter: 400 with {@code missingMessage} when missing. */
    public LocalDate requiredDate(String name, String missingMessage) {
        return parseDate(requiredQuery(name, missingMessage));
    }

    /**
     * An integer parameter clamped to {@code [min, max]} (SPEC §9: a limit out of range is
     * clamped); a non-integer is a 400.
     */
    public int clampedInt(String name, int defaultValue, int min, int max) {
        Optional<String> value = query(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.get().strip());
        } catch (NumberFormatException e) {
            // Too long for a long is still an integer: clamp it like any other.
            if (value.get().strip().matches("[+-]?\\d+")) {
                return value.get().strip().startsWith("-") ? min : max;
            }
            throw ApiException.badRequest("The " + name + " parameter must be an integer");
        }
        return (int) Math.max(min, Math.min(max, parsed));
    }

    /**
     * An integer parameter that must lie in {@code [min, max]} (not a limit, so not clamped):
     * 400 naming the parameter and the range otherwise.
     */
    public int intParam(String name, int defaultValue, int min, int max) {
        Optional<String> value = query(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.get().strip());
            if (parsed >= min && parsed <= max) {
                return (int) parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("The " + name + " parameter must be an integer from " + min + " to " + max);
    }

    /**
     * A day as the API takes it everywhere: YYYY-MM-DD, or the words {@code today} and
     * {@code yesterday} in the server's zone (so the CLI and scripts need not know the zone).
     */
    public static LocalDate parseDay(String text, LocalDate today) {
        return switch (text) {
            case "today" -> today;
            case "yesterday" -> today.minusDays(1);
            default -> parseDate(text);
        };
    }

    /** A boolean parameter: {@code true}/{@code false} (any case), else 400. */
    public boolean booleanParam(String name, boolean defaultValue) {
        Optional<String> value = query(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.badRequest("The " + name + " parameter must be true or false");
        };
    }

    /** Parses a YYYY-MM-DD date strictly: {@code 2025-02-30} is refused. */
    public static LocalDate parseDate(String text) {
        if (!DATE.matcher(text).matches()) {
            throw ApiException.badRequest(INVALID_DATE);
        }
        try {
            return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE);
        } catch (DateTimeException e) {
            throw ApiException.badRequest(INVALID_DATE);
        }
    }

    // ---- headers and body

    public Optional<String> header(String name) {
        return head.first(name);
    }

    /**
     * The body streamed, within the route's limit ({@link BodyTooLargeException}, a 413, once
     * past it). For uploads; everything else uses {@link #json}.
     */
    public InputStream body() {
        return body;
    }

    /**
     * The body parsed as JSON into {@code type} (a record with snake_case components). 415 when
     * the content type is given and not JSON; 400 when the body is empty or not valid for the type.
     */
    public <T> T json(Class<T> type) throws IOException {
        Optional<String> contentType = header("Content-Type");
        if (contentType.isPresent() && !contentType.get().toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw ApiException.unsupportedMediaType("application/json");
        }
        try {
            T value = Json.MAPPER.readValue(body, type);
            if (value == null) {
                throw ApiException.badRequest("A JSON body is required");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("Unknown field '" + e.getPropertyName() + "' in the JSON body");
        } catch (MismatchedInputException e) {
            // Jackson's own message names Java types; say which field and what it should be.
            String field = fieldPath(e.getPath());
            throw ApiException.badRequest((field.isEmpty() ? "The JSON body" : field) + ": expected "
                    + expected(e.getTargetType()));
        } catch (JacksonException e) {
            if (e.getCause() instanceof ClientIOException client) {
                throw client;
            }
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw ApiException.badRequest("Invalid JSON body" + at + ": " + e.getOriginalMessage());
        }
    }

    private static String decodeQueryPart(String part, String message) {
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(message);
        }
    }

    /** {@code items[0].quantity}: the JSON names of the path, as the client wrote them. */
    private static String fieldPath(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference reference : path) {
            if (reference.getFieldName() != null) {
                out.append(out.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                out.append('[').append(reference.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /** What a JSON value of a Java type looks like, in the API's words. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static Map<String, String> parseQuery(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            String decodedName = decodeQueryPart(name, "Malformed query string: a parameter name is not"
                    + " validly percent-encoded");
            params.putIfAbsent(decodedName, decodeQueryPart(value, "The " + decodedName
                    + " parameter is not validly percent-encoded (a % must be followed by two hex digits)"));
        }
        return Collections.unmodifiableMap(params);
    }
}
