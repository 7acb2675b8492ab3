package io.orderkpi.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * A minimal blocking Redis client (RESP2) for the test kit's own chores: probing a server,
 * deleting a run's keys, poking a server a test owns. The kit needs no more than this, and users
 * extending the kits should not get a Redis client library from it. Not thread-safe: one per
 * thread, closed after use.
 */
final class RespClient implements AutoCloseable {

    /** An error reply of the server ({@code -ERR …}). */
    static final class ErrorReply extends RuntimeException {
        ErrorReply(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RespClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream());
    }

    /**
     * Connects to a {@code redis://} or {@code rediss://} URI, authenticating with its user
     * information and selecting its database.
     *
     * @throws IOException when nothing answers within {@code connectTimeoutMillis}
     */
    static RespClient connect(URI uri, int connectTimeoutMillis) throws IOException {
        boolean tls = "rediss".equals(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : 6379;
        Socket socket = tls ? SSLSocketFactory.getDefault().createSocket() : new Socket();
        try {
            socket.connect(new InetSocketAddress(uri.getHost(), port), connectTimeoutMillis);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            RespClient client = new RespClient(socket);
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null && !userInfo.isEmpty()) {
                int colon = userInfo.indexOf(':');
                String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
                String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
                if (user.isEmpty()) {
                    client.call("AUTH", password);
                } else {
                    client.call("AUTH", user, password);
                }
            }
            String path = uri.getPath();
            if (path != null && path.length() > 1) {
                client.call("SELECT", path.substring(1));
            }
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * Sends one command and returns its reply: a {@code String} (simple or bulk), a {@code Long},
     * a {@code List<Object>}, or null for a nil reply.
     *
     * @throws ErrorReply when the server answers with an error
     */
    Object call(String... args) {
        try {
            out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.write('\r');
                out.write('\n');
            }
            out.flush();
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException("Redis command " + args[0] + " failed: " + e.getMessage(), e);
        }
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new IOException("the server closed the connection");
        }
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read());
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply type '" + (char) type + "'");
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("the server closed the connection");
            }
            line.write(b);
        }
        in.read();
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }
}
