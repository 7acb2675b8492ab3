package io.orderkpi.server.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * A request body as framed by its head: a {@code Content-Length} or {@code chunked}, within a
 * size limit ({@link BodyTooLargeException} once past it), at the client's minimum rate (see
 * {@link ClientInput}). Knows whether it was read to its end, which decides whether the
 * connection can carry another request. Used by one thread.
 */
final class RequestBody extends InputStream {

    /** Called before the first byte is waited for (the {@code 100 Continue} interim answer). */
    interface FirstRead {
        void before() throws IOException;
    }

    private final ClientInput in;
    private final boolean chunked;
    private final long limit;
    private FirstRead firstRead;
    /** Bytes left of the fixed body, or of the current chunk. */
    private long remaining;
    private long count;
    private boolean finished;
    private boolean started;

    private RequestBody(ClientInput in, boolean chunked, long length, long limit, FirstRead firstRead) {
        this.in = in;
        this.chunked = chunked;
        this.remaining = chunked ? 0 : length;
        this.limit = limit;
        this.firstRead = firstRead;
        this.finished = !chunked && length == 0;
    }

    static RequestBody fixed(ClientInput in, long length, long limit, FirstRead firstRead) {
        return new RequestBody(in, false, length, limit, firstRead);
    }

    static RequestBody chunked(ClientInput in, long limit, FirstRead firstRead) {
        return new RequestBody(in, true, 0, limit, firstRead);
    }

    /** Whether the body was read to its end (so the next request can follow on the connection). */
    boolean finished() {
        return finished;
    }

    /** Whether anything of it was read yet (so refusing it now leaves it unread). */
    boolean started() {
        return started;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (finished) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        if (!started) {
            started = true;
            if (firstRead != null) {
                firstRead.before();
                firstRead = null;
            }
            in.startBody();
        }
        if (remaining == 0) {
            // Chunked only: a fixed body with nothing left is finished.
            remaining = nextChunkSize();
            if (remaining == 0) {
                readTrailers();
                finish();
                return -1;
            }
        }
        int n = in.read(target, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw new ClientIOException(400, "The request body ended before its declared length");
        }
        remaining -= n;
        count += n;
        if (count > limit) {
            throw new BodyTooLargeException(limit);
        }
        if (remaining == 0) {
            if (chunked) {
                expectCrlf();
            } else {
                finish();
            }
        }
        return n;
    }

    @Override
    public int available() {
        return finished ? 0 : (int) Math.min(in.buffered(), remaining);
    }

    private void finish() {
        finished = true;
        in.endBody();
    }

    private long nextChunkSize() throws IOException {
        String line = line();
        int semicolon = line.indexOf(';');
        String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
        // Hex digits only: Long.parseLong would also take a sign, and a negative size is no size.
        if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80)) {
            throw new ClientIOException(400, "Malformed chunked body: bad chunk size");
        }
        return Long.parseLong(hex, 16);
    }

    private void expectCrlf() throws IOException {
        if (!line().isEmpty()) {
            throw new ClientIOException(400, "Malformed chunked body: no line end after a chunk");
        }
    }

    private void readTrailers() throws IOException {
        int total = 0;
        String trailer;
        do {
            trailer = line();
            total += trailer.length();
            if (total > ClientInput.MAX_HEAD) {
                throw new ClientIOException(400, "Malformed chunked body: trailers too large");
            }
        } while (!trailer.isEmpty());
    }

    /** A framing line of the chunked body (size line, chunk end, trailer), at most 4 KiB. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder(16);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new ClientIOException(400, "The request body ended inside its chunked framing");
            }
            if (b == '\n') {
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
            if (line.length() >= 4096) {
                throw new ClientIOException(400, "Malformed chunked body: framing line too long");
            }
            line.append((char) b);
        }
    }
}
