package io.orderkpi.server.http;

/**
 * Answers one request. Runs on a pool thread, may block, and reports errors by throwing: an
 * {@link ApiException} for a chosen status, or any exception the server maps centrally
 * ({@link IllegalArgumentException} → 400, {@link java.util.NoSuchElementException} → 404, ...).
 */
@FunctionalInterface
public interface Handler {

    Response handle(Request request) throws Exception;
}
