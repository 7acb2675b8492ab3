package io.orderkpi.server.http;

/**
 * Answers one request. Runs on the connection's thread (one of at most
 * {@code ORDERKPI_HTTP_THREADS} at once, or of the import slots for uploads), may block, and
 * reports errors by throwing: an
 * {@link ApiException} for a chosen status, or any exception the server maps centrally
 * ({@link IllegalArgumentException} → 400, {@link java.util.NoSuchElementException} → 404, ...).
 */
@FunctionalInterface
public interface Handler {

    Response handle(Request request) throws Exception;
}
