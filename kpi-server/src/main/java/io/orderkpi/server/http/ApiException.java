package io.orderkpi.server.http;

import io.orderkpi.core.lang.OrderKpiException;

/**
 * An error answer with a given HTTP status and a message fit for the client. Handlers throw it
 * (or the standard exceptions the server maps centrally, see {@link ApiServer}) instead of
 * writing error responses themselves, so every error has the same JSON shape.
 */
public class ApiException extends OrderKpiException {

    private final int status;

    public ApiException(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("Not an error status: " + status);
        }
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    public static ApiException payloadTooLarge(long limit) {
        return new ApiException(413, "Request body too large (limit " + limit + " bytes)");
    }

    public static ApiException unsupportedMediaType(String expected) {
        return new ApiException(415, "Unsupported content type, expected " + expected);
    }

    public static ApiException tooManyRequests(String message) {
        return new ApiException(429, message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, message);
    }
}
