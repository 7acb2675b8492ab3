package io.orderkpi.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy inside the test JVM that makes network faults on demand, so a fault test never
 * touches the real server behind it: clients connect to {@link #port()} on the loopback address
 * and their bytes go to the target and back.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 3306)) {
 *     String url = "jdbc:mysql://127.0.0.1:" + proxy.port() + "/db";
 *     ...
 *     proxy.cut();     // every open connection closed, new ones refused
 *     ...
 *     proxy.restore(); // connections accepted again, on the same port
 *     proxy.freeze();  // connections stay open, but no byte passes: a hung server
 *     ...
 *     proxy.restore(); // the held bytes go on
 * }
 * }</pre>
 *
 * <p>{@link #cut()} closes the listening socket too, so a client gets "Connection refused", as
 * from a server that is down, rather than a connection that is accepted and dropped. A cut
 * connection is closed on both sides: the server sees its client leave and ends the session.
 * {@link #freeze()} keeps every connection open and accepts new ones, but holds every byte both
 * ways until {@link #restore()} (or a cut): only the client's own timeouts end its waits.
 *
 * <p>Threads: one acceptor ({@code tcp-proxy-<port>-accept}) and two per open connection
 * ({@code tcp-proxy-<port>-up}/{@code -down}), all daemons, all ended by {@link #cut()} or
 * {@link #close()}, which return only once they have; a test that counts its threads should leave
 * these out by name. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {

    /** The prefix of every thread name of every proxy, for tests that count threads. */
    public static final String THREAD_PREFIX = "tcp-proxy-";

    /** How long {@link #restore()} tries to listen on the port again. */
    private static final long REBIND_MILLIS = 10_000;

    /** How long {@link #cut()} waits for the proxy's threads to end. */
    private static final long STOP_MILLIS = 10_000;

    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    /** Guards {@link #listener} against {@link #open}: a connection is registered only while its listener is current. */
    private final Object registry = new Object();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile int port;
    private volatile ServerSocket listener;
    private volatile boolean closed;
    private final Object gate = new Object();
    private boolean frozen;

    private TcpProxy(InetSocketAddress target) {
        this.target = target;
    }

    /** A proxy on a free loopback port forwarding to {@code host:port}, accepting at once. */
    public static TcpProxy start(String host, int port) {
        TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, port));
        proxy.listen(0);
        return proxy;
    }

    /** The port clients connect to; the same across {@link #cut()} and {@link #restore()}. */
    public int port() {
        return port;
    }

    /** Connections accepted since start (each forwarded to a connection of its own to the target). */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** Client connections open now. */
    public int openConnections() {
        return open.size() / 2;
    }

    /**
     * Closes every open connection on both sides and refuses new ones until {@link #restore()}.
     * Returns once the proxy's threads have ended: a socket closed while a thread is blocked in it
     * stays alive until that thread leaves the call (a listening one would still complete
     * handshakes), and a busy machine may take a while to run it.
     */
    public synchronized void cut() {
        synchronized (registry) {
            ServerSocket current = listener;
            listener = null;
            if (current != null) {
                closeQuietly(current);
            }
            open.forEach(TcpProxy::closeQuietly);
            open.clear();
        }
        // Only now, so that bytes held by a freeze fail on the closed sockets instead of passing.
        thaw();
        awaitThreadsEnded();
    }

    private void awaitThreadsEnded() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_MILLIS);
        for (Thread thread : List.copyOf(threads)) {
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                if (leftMillis > 0) {
                    thread.join(leftMillis);
                }
                if (thread.isAlive()) {
                    throw new IllegalStateException("The TCP proxy's thread " + thread.getName()
                            + " did not end within " + STOP_MILLIS + " ms of the cut");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while the TCP proxy's threads end", e);
            }
        }
    }

    /**
     * Holds every byte, both ways, on open and new connections until {@link #restore()}: a hung
     * server, or a network that drops packets, rather than one that refuses connections.
     */
    public void freeze() {
        synchronized (gate) {
            frozen = true;
        }
    }

    /** Accepts connections again, on the same port, and lets held bytes go on. Does nothing while open. */
    public synchronized void restore() {
        if (closed) {
            throw new IllegalStateException("The proxy is closed");
        }
        thaw();
        if (listener == null) {
            listen(port);
        }
    }

    /** Whether connections are accepted now. */
    public boolean isCut() {
        return listener == null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        cut();
    }

    private void listen(int wanted) {
        ServerSocket socket = bind(wanted);
        port = socket.getLocalPort();
        listener = socket;
        daemon(() -> accept(socket), "accept").start();
    }

    /**
     * A listening socket on the port. The connections a cut just closed hold the port for a moment
     * while they shut down, so binding it again is retried for up to {@link #REBIND_MILLIS}.
     */
    private static ServerSocket bind(int wanted) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REBIND_MILLIS);
        while (true) {
            ServerSocket socket = null;
            try {
                socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 50);
                return socket;
            } catch (IOException e) {
                if (socket != null) {
                    closeQuietly(socket);
                }
                if (!(e instanceof BindException) || System.nanoTime() - deadline > 0) {
                    throw new UncheckedIOException("The TCP proxy cannot listen on port " + wanted, e);
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while listening again on port " + wanted, e);
            }
        }
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // cut or closed
            }
            Socket server = new Socket();
            try {
                server.connect(target, 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                // The target is down: the client sees its connection closed.
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            Thread up;
            Thread down;
            synchronized (registry) {
                if (listener != socket) {
                    // Cut while this one was being connected.
                    closeQuietly(client);
                    closeQuietly(server);
                    return;
                }
                open.add(client);
                open.add(server);
                // Registered before the cut can look for them.
                up = daemon(() -> pump(client, server), "up");
                down = daemon(() -> pump(server, client), "down");
            }
            accepted.incrementAndGet();
            up.start();
            down.start();
        }
    }

    private void thaw() {
        synchronized (gate) {
            frozen = false;
            gate.notifyAll();
        }
    }

    /** Waits while frozen; a connection cut meanwhile fails its next write. */
    private void awaitPassage() throws InterruptedException {
        synchronized (gate) {
            while (frozen) {
                gate.wait();
            }
        }
    }

    /** Copies one direction until either side closes, then closes both. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                awaitPassage();
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (SocketException e) {
            // Closed by cut() or by the other side.
        } catch (IOException e) {
            // Any other failure ends the connection as well.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(from);
            open.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** A thread the proxy tracks from now until its task ends, so a cut can wait for it. */
    private Thread daemon(Runnable task, String role) {
        Thread[] self = new Thread[1];
        Thread thread = new Thread(() -> {
            try {
                task.run();
            } finally {
                threads.remove(self[0]);
            }
        }, THREAD_PREFIX + port + "-" + role);
        self[0] = thread;
        thread.setDaemon(true);
        threads.add(thread);
        return thread;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing is all that is left to do; a failure to close changes nothing for the test.
        }
    }
}
