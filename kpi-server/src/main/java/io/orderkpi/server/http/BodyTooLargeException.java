package io.orderkpi.server.http;

/**
 * A request body went past its limit while being read: a 413 (see {@link ClientIOException}).
 */
public final class BodyTooLargeException extends ClientIOException {

    private static final long serialVersionUID = 1L;

    private final long limit;

    public BodyTooLargeException(long limit) {
        super(413, "Request body too large (limit " + limit + " bytes)");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
