package io.orderkpi.notify;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A TCP proxy in front of the test's GreenMail, reading the SMTP dialogue line by line so a test
 * can inject what a real server or network does and GreenMail does not: refuse a recipient with a
 * given reply, drop a connection in the middle of a message or all at once, count connections,
 * hold new connections until several are open. With an {@link SSLContext} it also offers
 * {@code STARTTLS} and terminates it (GreenMail's SMTP has no STARTTLS), relaying the decrypted
 * dialogue. Test code only; each connection uses two threads.
 */
final class SmtpProxy implements AutoCloseable {

    private static final byte[] CRLF = {'\r', '\n'};

    private final ServerSocket listener;
    private final int targetPort;
    private final SSLContext starttls;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "smtp-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Map<String, Deque<String>> recipientReplies = new ConcurrentHashMap<>();
    private final AtomicInteger dataDrops = new AtomicInteger();
    private final List<String> verbs = Collections.synchronizedList(new ArrayList<>());
    private volatile CountDownLatch gate = new CountDownLatch(0);

    private SmtpProxy(int targetPort, SSLContext starttls) throws IOException {
        this.targetPort = targetPort;
        this.starttls = starttls;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** A plain proxy to {@code 127.0.0.1:targetPort}. */
    static SmtpProxy to(int targetPort) throws IOException {
        return new SmtpProxy(targetPort, null);
    }

    /** A proxy that offers STARTTLS with {@code tls} and relays the decrypted dialogue in clear. */
    static SmtpProxy withStartTls(int targetPort, SSLContext tls) throws IOException {
        return new SmtpProxy(targetPort, tls);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return accepted.get();
    }

    /** Every command verb clients sent ({@code EHLO}, {@code STARTTLS}, {@code AUTH}, ...), in order. */
    List<String> verbs() {
        synchronized (verbs) {
            return List.copyOf(verbs);
        }
    }

    /** The next {@code times} {@code RCPT TO:<address>} are answered with {@code reply}, not relayed. */
    void answerRecipient(String address, String reply, int times) {
        Deque<String> replies = recipientReplies.computeIfAbsent(address.toLowerCase(Locale.ROOT),
                k -> new ArrayDeque<>());
        synchronized (replies) {
            for (int i = 0; i < times; i++) {
                replies.add(reply);
            }
        }
    }

    /** The next connection that sends {@code DATA} is cut there, as a network failure mid-send would. */
    void dropAtNextData() {
        dataDrops.incrementAndGet();
    }

    /** Cuts every open connection at once. */
    void dropAll() {
        for (Connection connection : List.copyOf(open)) {
            connection.close();
        }
    }

    /**
     * New connections wait (without a greeting) until {@code count} are open, at most 10 s, so a
     * test can see how many the client opens when it wants several at once.
     */
    void holdUntilConnections(int count) {
        gate = new CountDownLatch(count);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        dropAll();
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        Connection connection = null;
        try {
            CountDownLatch held = gate;
            held.countDown();
            held.await(10, TimeUnit.SECONDS);
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            connection = new Connection(client, upstream);
            open.add(connection);
            Connection c = connection;
            threads.execute(c::relayReplies);
            c.relayCommands();
        } catch (IOException e) {
            // a cut connection ends here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (connection != null) {
                connection.close();
            } else {
                closeQuietly(client);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** One client and its upstream connection to GreenMail. */
    private final class Connection {
        private final Socket upstream;
        private final OutputStream toServer;
        private final InputStream fromServer;
        private volatile Socket client;
        private volatile LineReader fromClient;
        private volatile OutputStream toClient;
        private volatile boolean tls;
        private volatile boolean ehloPending;

        Connection(Socket client, Socket upstream) throws IOException {
            this.client = client;
            this.upstream = upstream;
            this.fromClient = new LineReader(client.getInputStream());
            this.toClient = client.getOutputStream();
            // Small writes must not wait for the peer's delayed ACK (Nagle), or every mail stalls 40 ms.
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            this.toServer = new BufferedOutputStream(upstream.getOutputStream());
            this.fromServer = upstream.getInputStream();
        }

        /** Client to server, command by command; the message body passes through untouched. */
        void relayCommands() throws IOException {
            boolean inData = false;
            for (byte[] line = fromClient.line(); line != null; line = fromClient.line()) {
                String text = new String(line, StandardCharsets.US_ASCII).strip();
                if (inData) {
                    inData = !text.equals(".");
                    toServer.write(line);
                    if (!inData) {
                        toServer.flush();
                    }
                    continue;
                }
                String upper = text.toUpperCase(Locale.ROOT);
                String verb = upper.split(" ", 2)[0];
                verbs.add(verb);
                if (verb.equals("EHLO")) {
                    ehloPending = true;
                } else if (verb.equals("STARTTLS") && starttls != null && !tls) {
                    startTls();
                    continue;
                } else if (upper.startsWith("RCPT TO:")) {
                    String reply = scriptedReply(text);
                    if (reply != null) {
                        reply(reply);
                        continue;
                    }
                } else if (verb.equals("DATA")) {
                    if (dataDrops.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                        close();
                        return;
                    }
                    inData = true;
                }
                toServer.write(line);
                toServer.flush();
            }
        }

        /** Server to client, line by line, adding STARTTLS to the EHLO reply while in clear. */
        void relayReplies() {
            try {
                LineReader replies = new LineReader(fromServer);
                for (byte[] line = replies.line(); line != null; line = replies.line()) {
                    String text = new String(line, StandardCharsets.US_ASCII);
                    synchronized (this) {
                        if (ehloPending && text.startsWith("250 ")) {
                            ehloPending = false;
                            if (starttls != null && !tls) {
                                toClient.write("250-STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
                            }
                        }
                        toClient.write(line);
                        toClient.flush();
                    }
                }
            } catch (IOException e) {
                // cut
            } finally {
                close();
            }
        }

        private String scriptedReply(String command) {
            int start = command.indexOf('<');
            int end = command.indexOf('>');
            if (start < 0 || end < start) {
                return null;
            }
            Deque<String> replies = recipientReplies.get(command.substring(start + 1, end).toLowerCase(Locale.ROOT));
            if (replies == null) {
                return null;
            }
            synchronized (replies) {
                return replies.poll();
            }
        }

        private synchronized void reply(String text) throws IOException {
            toClient.write(text.getBytes(StandardCharsets.US_ASCII));
            toClient.write(CRLF);
            toClient.flush();
        }

        private void startTls() throws IOException {
            if (fromClient.buffered() > 0) {
                throw new IOException("client sent data after STARTTLS before the reply");
            }
            reply("220 2.0.0 Ready to start TLS");
            Socket plain = client;
            SSLSocket secure = (SSLSocket) starttls.getSocketFactory().createSocket(plain,
                    plain.getInetAddress().getHostAddress(), plain.getPort(), true);
            secure.setUseClientMode(false);
            secure.startHandshake();
            synchronized (this) {
                client = secure;
                fromClient = new LineReader(secure.getInputStream());
                toClient = secure.getOutputStream();
                tls = true;
            }
        }

        void close() {
            open.remove(this);
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** Reads CRLF-terminated lines as bytes (the terminator kept), through a buffer it can report on. */
    private static final class LineReader {
        private final InputStream in;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** The next line with its terminator, or {@code null} at the end of the stream. */
        byte[] line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer);
                    position = 0;
                    if (limit < 0) {
                        limit = 0;
                        return line.size() > 0 ? line.toByteArray() : null;
                    }
                }
                byte b = buffer[position++];
                line.write(b);
                if (b == '\n') {
                    return line.toByteArray();
                }
            }
        }

        int buffered() {
            return limit - position;
        }
    }
}
