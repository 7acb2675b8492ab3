package io.orderkpi.server.http;

import io.orderkpi.server.OrderKpiServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Raw HTTP/1.1 over a socket, for what a well-behaved client library would never send. */
final class RawHttp {

    private RawHttp() {
    }

    /** Sends {@code request}, half-closes, and reads the whole answer. */
    static String exchange(OrderKpiServer server, String request) throws IOException {
        return exchange(server.uri(), request);
    }

    /** The same against any server's base URI. */
    static String exchange(URI server, String request) throws IOException {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            return readToEnd(socket.getInputStream());
        }
    }

    /**
     * Everything until the server closes; a reset after the answer counts as the end, and so
     * does a read timeout once something has arrived.
     */
    static String readToEnd(InputStream in) throws IOException {
        StringBuilder out = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (SocketException reset) {
            // closed with unread bytes of ours pending
        } catch (SocketTimeoutException e) {
            if (out.length() == 0) {
                throw e;
            }
        }
        return out.toString();
    }

    /**
     * Sends one {@code filler} byte every {@code everyMillis} (so the client is never idle) until
     * the server answers and closes, or {@code attempts} bytes went unanswered.
     *
     * @return the answer, empty when none came
     */
    static String trickleUntilAnswered(Socket socket, char filler, int everyMillis, int attempts) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        socket.setSoTimeout(everyMillis);
        StringBuilder answer = new StringBuilder();
        for (int i = 0; i < attempts && answer.indexOf("}") < 0; i++) {
            try {
                out.write(filler);
                int b = in.read();
                if (b < 0) {
                    break;
                }
                answer.append((char) b).append(readToEnd(in));
            } catch (SocketTimeoutException e) {
                // nothing yet: keep trickling
            } catch (SocketException reset) {
                break;
            }
        }
        return answer.toString();
    }
}
