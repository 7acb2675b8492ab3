package io.orderkpi.server.http;

/**
 * A request that breaks HTTP/1.1 itself (a malformed request line, header or framing). It is
 * answered with the JSON error envelope and the connection is closed, since what follows on it
 * cannot be trusted to start a request.
 */
final class HttpProtocolException extends ClientIOException {

    private static final long serialVersionUID = 1L;

    HttpProtocolException(int status, String message) {
        super(status, message);
    }
}
