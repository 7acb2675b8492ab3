package io.orderkpi.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Handler} answers: a status, headers and a body that the server writes straight
 * to the response stream. The API's JSON envelope is built here, so that no handler writes it by
 * hand: {@link #ok}/{@link #created}/{@link #accepted} give {@code {"success":true,"data":…}};
 * errors are thrown, never returned (see {@link ApiException}). Immutable apart from
 * {@link #header}, which is meant for the handler that builds it.
 */
public final class Response {

    /** The media type of every JSON answer. */
    public static final String JSON = "application/json; charset=utf-8";

    /** Writes a body to the response stream; the stream is closed by the server. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The success envelope, written by Jackson. */
    record Envelope(boolean success, Object data) {
    }

    /** The error envelope. */
    record ErrorEnvelope(boolean success, String error) {
    }

    private final int status;
    private final String contentType;
    private final BodyWriter body;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Response(int status, String contentType, BodyWriter body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    /** 200 {@code {"success":true,"data":data}}. */
    public static Response ok(Object data) {
        return envelope(200, data);
    }

    /** 201 with the created thing as data. */
    public static Response created(Object data) {
        return envelope(201, data);
    }

    /** 202 for work that was queued (data carries the job or import id). */
    public static Response accepted(Object data) {
        return envelope(202, data);
    }

    /** Any status with the success envelope. */
    public static Response envelope(int status, Object data) {
        Objects.requireNonNull(data, "data");
        return json(status, new Envelope(true, data));
    }

    /** A JSON body without the envelope ({@code /health}, {@code /ready}). */
    public static Response json(int status, Object value) {
        Objects.requireNonNull(value, "value");
        return new Response(status, JSON, out -> Json.MAPPER.writeValue(out, value));
    }

    /** A text body of the given media type. */
    public static Response text(int status, String contentType, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new Response(status, contentType, out -> out.write(bytes));
    }

    /** A streamed body of the given media type (a CSV download, a static file). */
    public static Response stream(int status, String contentType, BodyWriter writer) {
        return new Response(status, contentType, Objects.requireNonNull(writer, "writer"));
    }

    /** The error envelope; used by the server's error mapping. */
    static Response error(int status, String message) {
        return json(status, new ErrorEnvelope(false, message));
    }

    /** Adds a response header. */
    public Response header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    String contentType() {
        return contentType;
    }

    BodyWriter body() {
        return body;
    }

    Map<String, String> headers() {
        return headers;
    }
}
