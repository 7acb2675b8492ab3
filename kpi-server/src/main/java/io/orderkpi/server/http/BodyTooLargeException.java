package io.orderkpi.server.http;

import java.io.IOException;

/**
 * A request body went past its limit while being read. An {@link IOException} so that it passes
 * through code that reads streams (the importer's spooling); the server maps it, even as a
 * cause, to 413.
 */
public final class BodyTooLargeException extends IOException {

    private final long limit;

    public BodyTooLargeException(long limit) {
        super("Request body too large (limit " + limit + " bytes)");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
