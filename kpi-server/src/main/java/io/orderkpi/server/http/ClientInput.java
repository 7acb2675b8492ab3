package io.orderkpi.server.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The bytes a client sends on one connection, read with deadlines instead of a thread that waits
 * forever: between requests a connection may stay silent for the idle timeout; a request's head
 * must be complete within the head timeout of its first byte; a body must keep up a minimum
 * average rate once its grace period is over, and no single wait may exceed the idle timeout.
 * Each wait is a socket timeout set for that read only, so no JVM-wide property and no watchdog
 * thread is involved. Used by the connection's thread only.
 */
final class ClientInput {

    /** Longest request line (method, target, version). */
    static final int MAX_REQUEST_LINE = 8 * 1024;
    /** Largest head (request line and headers together). */
    static final int MAX_HEAD = 32 * 1024;
    static final int MAX_HEADERS = 100;

    private final Socket socket;
    private final InputStream raw;
    private final HttpLimits limits;
    private final byte[] buffer = new byte[16 * 1024];
    private int pos;
    private int end;
    private int currentTimeout = -1;

    /** {@link System#nanoTime()} by which the head must be complete; 0 when no head is being read. */
    private long headDeadline;
    /** When the current body started; 0 when no body rate is being watched. */
    private long bodyStart;
    private long bodyBytes;

    ClientInput(Socket socket, HttpLimits limits) throws IOException {
        this.socket = socket;
        this.raw = socket.getInputStream();
        this.limits = limits;
    }

    /**
     * Waits (at most the idle timeout) for the first byte of the next request.
     *
     * @return false when the client closed the connection or stayed idle (close it quietly)
     */
    boolean awaitRequest() throws IOException {
        if (pos < end) {
            return true;
        }
        try {
            return fill(limits.idleMillis()) > 0;
        } catch (SocketTimeoutException | SlowClientException e) {
            return false;
        }
    }

    /**
     * Reads a request head: the request line and the headers, within the head timeout.
     *
     * @throws HttpProtocolException when it is malformed or too large
     * @throws SlowClientException   when it is not complete in time
     */
    HttpHead readHead() throws IOException {
        headDeadline = System.nanoTime() + limits.headNanos();
        try {
            int budget = MAX_HEAD;
            String line = readLine(MAX_REQUEST_LINE, 414, "Request line too long");
            // RFC 9112 §2.2: an empty line before the request line is tolerated.
            if (line.isEmpty()) {
                line = readLine(MAX_REQUEST_LINE, 414, "Request line too long");
            }
            budget -= line.length();
            HttpHead.Builder builder = new HttpHead.Builder();
            int count = 0;
            while (true) {
                String header = readLine(Math.max(budget, 0), 431, "Request headers too large");
                budget -= header.length() + 2;
                if (header.isEmpty()) {
                    break;
                }
                if (++count > MAX_HEADERS) {
                    throw new HttpProtocolException(431, "Too many request headers (more than " + MAX_HEADERS + ")");
                }
                addHeader(builder, header);
            }
            return RequestLine.parse(line, builder);
        } finally {
            headDeadline = 0;
        }
    }

    private static void addHeader(HttpHead.Builder builder, String line) throws HttpProtocolException {
        if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
            throw new HttpProtocolException(400, "Malformed request header: folded header lines are not accepted");
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new HttpProtocolException(400, "Malformed request header: no name before ':'");
        }
        String name = line.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            if (!RequestLine.isTokenChar(name.charAt(i))) {
                throw new HttpProtocolException(400, "Malformed request header name '" + printable(name) + "'");
            }
        }
        String value = line.substring(colon + 1).strip();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new HttpProtocolException(400, "Malformed value of request header " + name
                        + ": control characters are not allowed");
            }
        }
        builder.add(name, value);
    }

    /** A header name for a message: printable ASCII only, and short. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 40; i++) {
            char c = text.charAt(i);
            out.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    /**
     * One line of the head, without its CRLF (a bare LF is accepted), decoded as ISO-8859-1 so
     * that every byte survives for validation.
     */
    private String readLine(int max, int status, String tooLong) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            if (pos == end && fill(limits.idleMillis()) < 0) {
                throw new EOFException("The client closed the connection inside the request head");
            }
            int start = pos;
            while (pos < end && buffer[pos] != '\n') {
                pos++;
            }
            line.append(new String(buffer, start, pos - start, StandardCharsets.ISO_8859_1));
            if (line.length() > max) {
                throw new HttpProtocolException(status, tooLong);
            }
            if (pos < end) {
                pos++;
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
        }
    }

    /** Starts watching a body's rate (see the class comment). */
    void startBody() {
        bodyStart = System.nanoTime();
        bodyBytes = 0;
    }

    void endBody() {
        bodyStart = 0;
    }

    int read() throws IOException {
        if (pos == end && fill(limits.idleMillis()) < 0) {
            return -1;
        }
        bodyBytes++;
        return buffer[pos++] & 0xff;
    }

    int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (pos == end && fill(limits.idleMillis()) < 0) {
            return -1;
        }
        int n = Math.min(length, end - pos);
        System.arraycopy(buffer, pos, target, offset, n);
        pos += n;
        bodyBytes += n;
        return n;
    }

    /** Bytes already received and not yet consumed (never waits). */
    int buffered() {
        return end - pos;
    }

    /** Discards what has already arrived without waiting for more. */
    void discardAvailable() {
        pos = end;
        try {
            long available = raw.available();
            if (available > 0) {
                raw.skip(Math.min(available, 1L << 20));
            }
        } catch (IOException e) {
            // The connection is being closed anyway.
        }
    }

    /**
     * Reads more bytes into the empty buffer, waiting at most {@code idleMillis} and never past
     * the head deadline or the body's rate deadline.
     *
     * @return the bytes read, or -1 at the end of the stream
     */
    private int fill(int idleMillis) throws IOException {
        long now = System.nanoTime();
        long wait = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        String reason = "the client sent nothing for " + idleMillis + " ms";
        if (headDeadline != 0 && headDeadline - now < wait) {
            wait = headDeadline - now;
            reason = "the request head was not complete within " + limits.headNanos() / 1_000_000 + " ms";
        }
        if (bodyStart != 0) {
            // The moment the average rate would fall below the minimum if nothing more arrived.
            long rateDeadline = bodyStart + Math.max(limits.graceNanos(),
                    (long) ((bodyBytes + 1) * 1e9 / limits.minBytesPerSecond()));
            if (rateDeadline - now < wait) {
                wait = rateDeadline - now;
                reason = "the request body arrived slower than " + limits.minBytesPerSecond() + " bytes/s";
            }
        }
        if (wait <= 0) {
            throw new SlowClientException(reason);
        }
        int millis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait));
        if (millis != currentTimeout) {
            socket.setSoTimeout(millis);
            currentTimeout = millis;
        }
        int n;
        try {
            n = raw.read(buffer, 0, buffer.length);
        } catch (SocketTimeoutException e) {
            throw new SlowClientException(reason);
        }
        pos = 0;
        end = Math.max(n, 0);
        return n;
    }

    /** The client was too slow: a 408 (when an answer can still be written), then the connection closes. */
    static final class SlowClientException extends ClientIOException {
        private static final long serialVersionUID = 1L;

        SlowClientException(String reason) {
            super(408, "Request timeout: " + reason);
        }
    }
}
