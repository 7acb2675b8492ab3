package io.orderkpi.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes responses on one connection. A body is buffered up to {@value #BUFFERED} bytes: one that
 * fits (almost every JSON answer) goes out with its {@code Content-Length} in a single write
 * together with the head; a longer one (a CSV download) switches to {@code chunked} and streams.
 * Used by the connection's thread only.
 */
final class ResponseOutput {

    static final int BUFFERED = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final OutputStream socket;
    private final BodyBuffer buffer = new BodyBuffer();
    private static volatile CachedDate date = new CachedDate(0, "");

    private record CachedDate(long second, String text) {
    }

    ResponseOutput(OutputStream socket) {
        this.socket = socket;
    }

    /** The interim {@code 100 Continue}, sent before reading a body the client holds back for it. */
    void writeContinue() throws IOException {
        socket.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.flush();
    }

    /**
     * Writes one response.
     *
     * @param withBody false for {@code HEAD}: the head tells the length, no body follows
     * @param close    adds {@code Connection: close}
     * @throws IOException when the client is gone, or the body writer failed after the head was
     *                     sent (the connection must then be closed: the body is incomplete)
     */
    void write(int status, String contentType, Map<String, String> headers, Response.BodyWriter body,
            boolean withBody, boolean close) throws IOException {
        buffer.start(status, contentType, headers, close, withBody);
        body.writeTo(buffer);
        buffer.complete();
    }

    void flush() throws IOException {
        socket.flush();
    }

    /**
     * Whether any byte of the last response went to the socket: when not, a failure while writing
     * came from the body writer and another response can still be written instead.
     */
    boolean committed() {
        return buffer.committed;
    }

    private static String date() {
        long second = System.currentTimeMillis() / 1000;
        CachedDate cached = date;
        if (cached.second() != second) {
            cached = new CachedDate(second, HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
            date = cached;
        }
        return cached.text();
    }

    /** Collects the body; writes the head once the length is known or the buffer overflows. */
    private final class BodyBuffer extends OutputStream {
        private byte[] bytes = new byte[8 * 1024];
        private int size;
        private long discarded;
        private boolean chunked;
        private boolean withBody;
        private int status;
        private String contentType;
        private Map<String, String> headers;
        private boolean close;
        private boolean committed;

        void start(int status, String contentType, Map<String, String> headers, boolean close, boolean withBody) {
            this.status = status;
            this.contentType = contentType;
            this.headers = headers;
            this.close = close;
            this.withBody = withBody;
            this.size = 0;
            this.discarded = 0;
            this.chunked = false;
            this.committed = false;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int offset, int length) throws IOException {
            if (!withBody && size + length > BUFFERED) {
                // HEAD: only the length matters.
                discarded += length;
                return;
            }
            if (chunked) {
                writeChunk(data, offset, length);
                return;
            }
            if (size + length > BUFFERED) {
                chunked = true;
                writeHead(-1);
                writeChunk(bytes, 0, size);
                size = 0;
                writeChunk(data, offset, length);
                return;
            }
            if (size + length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(BUFFERED, Math.max(bytes.length * 2, size + length)));
            }
            System.arraycopy(data, offset, bytes, size, length);
            size += length;
        }

        @Override
        public void flush() {
            // The body is flushed when complete: a writer's flush must not send a partial head.
        }

        @Override
        public void close() {
            // Closed by complete(); writers may close their stream (a Writer over it, say).
        }

        void complete() throws IOException {
            if (chunked) {
                socket.write('0');
                socket.write(CRLF);
                socket.write(CRLF);
            } else {
                writeHead(size + discarded);
                if (withBody) {
                    socket.write(bytes, 0, size);
                }
            }
            if (bytes.length > 16 * 1024) {
                // A rare large answer must not pin 64 KiB to every idle connection.
                bytes = new byte[8 * 1024];
            }
        }

        private void writeChunk(byte[] data, int offset, int length) throws IOException {
            if (length == 0) {
                return;
            }
            socket.write(Integer.toHexString(length).getBytes(StandardCharsets.US_ASCII));
            socket.write(CRLF);
            socket.write(data, offset, length);
            socket.write(CRLF);
        }

        /** @param length the body's length, or -1 for chunked */
        private void writeHead(long length) throws IOException {
            committed = true;
            StringBuilder head = new StringBuilder(256);
            head.append("HTTP/1.1 ").append(status).append(' ').append(StatusText.of(status)).append("\r\n");
            head.append("Date: ").append(date()).append("\r\n");
            head.append("Content-Type: ").append(contentType).append("\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (length >= 0) {
                head.append("Content-Length: ").append(length).append("\r\n");
            } else {
                head.append("Transfer-Encoding: chunked\r\n");
            }
            if (close) {
                head.append("Connection: close\r\n");
            }
            head.append("\r\n");
            socket.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
