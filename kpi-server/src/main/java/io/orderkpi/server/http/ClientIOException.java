package io.orderkpi.server.http;

import java.io.IOException;

/**
 * The client's side of a request went wrong while its body was read: too large, too slow, or
 * badly framed. An {@link IOException} so that it passes through code that reads streams (the
 * importer's spooling, Jackson); the server maps it, even as a cause, to {@link #status()} and
 * closes the connection, since the rest of the body is not read.
 */
public class ClientIOException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public ClientIOException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status that answers it (400, 408, 413). */
    public int status() {
        return status;
    }
}
