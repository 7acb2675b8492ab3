package io.orderkpi.server.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.queue.QueueClosedException;
import io.orderkpi.core.order.IllegalTransitionException;
import io.orderkpi.server.ServerConfig;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP/1.1 front: serves the routes of a {@link Router} on its own socket loop.
 *
 * <p><b>Threads.</b> One thread per open connection reads each request, runs its handler and
 * writes the answer, so a request costs no hand-off between threads. A slow or silent client
 * therefore holds only its own connection's thread, and only for as long as {@link ClientInput}'s
 * deadlines allow (idle timeout, head timeout, minimum body rate); at most
 * {@code ORDERKPI_HTTP_MAX_CONNECTIONS} are open at once (one more is answered 503 and closed).
 * Handlers run under a limit of {@code ORDERKPI_HTTP_THREADS} at once with
 * {@code ORDERKPI_HTTP_QUEUE} waiting (503 past that); a JSON body is read whole before its
 * request waits for that limit, so a slow sender never holds a handler slot. Uploads
 * ({@link RouteOption#UPLOAD}) take one of the few import slots instead (429 when all are taken)
 * and stream.
 *
 * <p><b>Order of checks.</b> The token comes first (SPEC §9: only {@code GET}/{@code HEAD} of
 * {@code /health}, {@code /} and {@code /assets/*} go without), so unknown routes (404) and wrong
 * methods (405) reveal nothing without it; then the route, the declared size (413) and the
 * content type (415). A request refused before its body is read is answered with
 * {@code Connection: close} and its connection closed without reading the body.
 *
 * <p><b>Answers.</b> Every response carries {@code X-Request-Id} (the client's when sane, else a
 * new one), which the logs carry too (MDC key {@code request_id}). Errors are always the JSON
 * envelope {@code {"success":false,"error":…}}, malformed requests included: {@link ApiException}
 * gives its status, {@link ClientIOException} its own (400, 408, 413), {@link IllegalArgumentException}
 * 400, {@link NoSuchElementException} 404, {@link IllegalTransitionException} 409,
 * {@link StoreUnavailableException} and {@link QueueClosedException} (workers stopped)
 * 503, and anything else 500 with a generic message (the stack
 * trace goes to the log only). {@code HEAD} is answered as {@code GET} without the body. Every
 * accepted socket has {@code TCP_NODELAY}, so an answer on a kept-alive connection is not held back
 * waiting for the client's delayed ACK.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    public static final String REQUEST_ID = "X-Request-Id";

    /** How long a connection refused before its body lingers to read the client's end (see closeGently). */
    private static final long LINGER_MILLIS = 1_000;
    /** How much of a refused body a lingering close drops at most. */
    private static final long LINGER_BYTES = 1L << 20;

    private final ServerSocket serverSocket;
    private final Router router;
    private final BearerAuth auth;
    private final MeterRegistry meters;
    private final long maxBodyBytes;
    private final long maxUploadBytes;
    private final HttpLimits limits;
    private final ThreadPoolExecutor connections;
    private final int handlerLimit;
    private final Semaphore handlers;
    private final AtomicInteger waiting = new AtomicInteger();
    private final int waitingLimit;
    private final Semaphore importSlots;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final AccessLog accessLog = new AccessLog();
    private final Thread acceptor;
    private final URI uri;
    private volatile boolean closing;

    private ApiServer(ServerConfig config, Router router, MeterRegistry meters) throws IOException {
        this.router = router;
        this.meters = meters;
        this.auth = new BearerAuth(config.apiToken(), config.readToken(), config.publicAnalytics());
        this.maxBodyBytes = config.maxBodyBytes();
        this.maxUploadBytes = config.maxUploadBytes();
        this.limits = HttpLimits.of(config);
        this.handlerLimit = config.httpThreads();
        this.handlers = new Semaphore(handlerLimit);
        this.waitingLimit = config.httpQueue();
        this.importSlots = new Semaphore(config.importSlots());
        AtomicInteger count = new AtomicInteger();
        this.connections = new ThreadPoolExecutor(0, limits.maxConnections(), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), runnable -> daemon(runnable, "okpi-http-" + count.incrementAndGet()),
                new ThreadPoolExecutor.AbortPolicy());
        router.seal();
        InetAddress address = InetAddress.getByName(config.bind());
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(address, config.port()), 256);
        int port = serverSocket.getLocalPort();
        String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
        this.uri = URI.create("http://" + host + ":" + port);
        this.acceptor = daemon(this::acceptLoop, "okpi-http-accept");
        acceptor.start();
    }

    /**
     * Binds and starts serving.
     *
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static ApiServer start(ServerConfig config, Router router, MeterRegistry meters) {
        try {
            return new ApiServer(config, router, meters);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + config.bind() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The base URI, e.g. {@code http://127.0.0.1:8088}. */
    public URI uri() {
        return uri;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closing) {
                    LOG.warn("Accepting a connection failed: {}", e.toString());
                }
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
                connections.execute(() -> serve(socket));
            } catch (RejectedExecutionException | IOException e) {
                refuseConnection(socket);
            }
        }
    }

    /** Every connection thread is taken: answer 503 at once rather than leave the client waiting. */
    private void refuseConnection(Socket socket) {
        LOG.warn("Refusing a connection: {} connections are open already", limits.maxConnections());
        try (socket) {
            ResponseOutput out = new ResponseOutput(new BufferedOutputStream(socket.getOutputStream()));
            Response busy = Response.error(503, "Too many open connections; try again later")
                    .header("Retry-After", "1");
            out.write(503, busy.contentType(), busy.headers(), busy.body(), true, true);
            out.flush();
            socket.shutdownOutput();
        } catch (IOException e) {
            LOG.debug("Refusing a connection failed", e);
        }
    }

    /** Runs on the connection's thread: request after request until either side closes. */
    private void serve(Socket socket) {
        open.add(socket);
        try (socket) {
            ClientInput in = new ClientInput(socket, limits);
            ResponseOutput out = new ResponseOutput(new BufferedOutputStream(socket.getOutputStream(), 16 * 1024));
            boolean keepAlive = true;
            while (keepAlive && !closing && in.awaitRequest()) {
                keepAlive = exchange(in, out);
                out.flush();
            }
            if (!keepAlive) {
                closeGently(socket, in);
            }
        } catch (IOException e) {
            LOG.debug("Connection closed: {}", e.toString());
        } finally {
            open.remove(socket);
        }
    }

    /**
     * Ends the connection after its last answer without serving what the client may still send:
     * the answer is already written and output is shut so the client sees its end. Closing a
     * socket with unread input resets the connection, and a reset can reach the client before it
     * has read the answer; so what keeps arriving is read and dropped until the client closes its
     * side, for at most {@link #LINGER_MILLIS} and {@link #LINGER_BYTES} (a lingering close, bounded
     * so that a client trickling a refused body holds the thread no longer).
     */
    private static void closeGently(Socket socket, ClientInput in) {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            return; // gone already
        }
        in.discardAvailable();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
        byte[] sink = new byte[8 * 1024];
        long dropped = 0;
        try {
            InputStream raw = socket.getInputStream();
            while (dropped < LINGER_BYTES) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                socket.setSoTimeout((int) Math.max(1, left));
                int n = raw.read(sink);
                if (n < 0) {
                    return; // the client closed its side: nothing left to reset
                }
                dropped += n;
            }
        } catch (IOException e) {
            // A timeout or a reset: the connection ends either way.
        }
    }

    /**
     * Reads, serves and answers one request.
     *
     * @return whether the connection can carry another request
     */
    private boolean exchange(ClientInput in, ResponseOutput out) throws IOException {
        long start = System.nanoTime();
        HttpHead head;
        try {
            head = in.readHead();
        } catch (EOFException | SocketException e) {
            return false;
        } catch (ClientIOException e) {
            String requestId = newRequestId();
            LOG.info("{} malformed or slow request head: {}", requestId, e.getMessage());
            answer(out, null, requestId, start, "UNPARSED", Response.error(e.status(), e.getMessage()), false);
            return false;
        }
        String requestId = requestId(head);
        Exchange exchange = new Exchange(head, requestId, start);
        try {
            MDC.put("request_id", requestId);
            return exchange.run(in, out);
        } finally {
            MDC.remove("request_id");
        }
    }

    /** One request on its way through the checks, the handler and the answer. */
    private final class Exchange {
        final HttpHead head;
        final String requestId;
        final long start;
        final boolean isHead;
        String template = "NOT_FOUND";

        Exchange(HttpHead head, String requestId, long start) {
            this.head = head;
            this.requestId = requestId;
            this.start = start;
            this.isHead = head.method().equals("HEAD");
        }

        boolean run(ClientInput in, ResponseOutput out) throws IOException {
            Router.Match match = router.match(isHead ? "GET" : head.method(), head.rawPath());
            Optional<Route> route = match instanceof Router.Found found ? Optional.of(found.route()) : Optional.empty();
            // The timer's uri tag: the template, or one constant for unmatched paths (bounded tags).
            route.ifPresent(r -> template = r.template());
            boolean hasBody = head.first("Transfer-Encoding").isPresent()
                    || head.first("Content-Length").filter(v -> !v.strip().equals("0")).isPresent();
            try {
                auth.check(route, head.method(), head.rawPath(), head.first("Authorization"));
            } catch (ApiException e) {
                return refuse(out, Response.error(e.status(), e.getMessage()).header("WWW-Authenticate", "Bearer"),
                        hasBody);
            }
            if (match instanceof Router.NotFound) {
                return refuse(out, Response.error(404, "Not found"), hasBody);
            }
            if (match instanceof Router.MethodNotAllowed notAllowed) {
                List<String> allowed = notAllowed.allowed();
                return refuse(out, Response.error(405, "Method " + head.method() + " not allowed; allowed: "
                        + String.join(", ", allowed)).header("Allow", String.join(", ", allowed)), hasBody);
            }
            Router.Found found = (Router.Found) match;
            boolean upload = found.route().has(RouteOption.UPLOAD);
            long limit = upload ? maxUploadBytes : maxBodyBytes;
            RequestBody body;
            try {
                body = Framing.body(head, in, limit, out::writeContinue);
                if (!upload && hasBody) {
                    requireJson(head.first("Content-Type"));
                }
            } catch (HttpProtocolException e) {
                return refuse(out, Response.error(e.status(), e.getMessage()), true);
            } catch (ApiException e) {
                return refuse(out, Response.error(e.status(), e.getMessage()), hasBody);
            }
            if (upload) {
                if (!importSlots.tryAcquire()) {
                    return refuse(out, Response.error(429, "Too many imports running; try again later")
                            .header("Retry-After", "1"), hasBody);
                }
                try {
                    return handle(out, found, body, body);
                } finally {
                    importSlots.release();
                }
            }
            InputStream whole;
            try {
                // Read before taking a handler slot: a slow sender holds only its own thread.
                whole = new ByteArrayInputStream(body.readAllBytes());
            } catch (ClientIOException e) {
                return refuse(out, Response.error(e.status(), e.getMessage()), true);
            }
            if (!acquireHandler()) {
                return refuse(out, Response.error(503, "Server busy; try again later").header("Retry-After", "1"),
                        false);
            }
            try {
                return handle(out, found, body, whole);
            } finally {
                handlers.release();
            }
        }

        private boolean handle(ResponseOutput out, Router.Found found, RequestBody body,
                InputStream stream) throws IOException {
            Response response;
            try {
                Request request = new Request(head, found.route(), found.params(), requestId, stream);
                response = found.route().handler().handle(request);
            } catch (Exception e) {
                response = toError(e, requestId);
            }
            boolean reusable = body.finished() && head.keepAlive() && !closing;
            return ApiServer.this.answer(out, head, requestId, start, template, response, reusable) && reusable;
        }

        /** Answers without serving; a body the client may still send is left unread. */
        private boolean refuse(ResponseOutput out, Response response, boolean bodyPending) throws IOException {
            boolean reusable = !bodyPending && head.keepAlive() && !closing;
            ApiServer.this.answer(out, head, requestId, start, template, response, reusable);
            return reusable;
        }
    }

    private boolean acquireHandler() {
        if (handlers.tryAcquire()) {
            return true;
        }
        if (waiting.incrementAndGet() > waitingLimit) {
            waiting.decrementAndGet();
            return false;
        }
        try {
            handlers.acquire();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** A body sent to a JSON endpoint must be JSON when its type is given: else 415 before it is read. */
    private static void requireJson(Optional<String> contentType) {
        if (contentType.isPresent() && !contentType.get().toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw ApiException.unsupportedMediaType("application/json");
        }
    }

    /** Central exception mapping: the one place that decides statuses of thrown errors. */
    static Response toError(Exception e, String requestId) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClientIOException client) {
                return Response.error(client.status(), client.getMessage());
            }
        }
        if (e instanceof ApiException api) {
            return Response.error(api.status(), api.getMessage());
        }
        if (e instanceof IllegalTransitionException) {
            return Response.error(409, e.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return Response.error(400, e.getMessage());
        }
        if (e instanceof NoSuchElementException) {
            return Response.error(404, e.getMessage() != null ? e.getMessage() : "Not found");
        }
        if (e instanceof QueueClosedException) {
            // Only between the workers stopping and HTTP stopping (a shutdown, or an embedding app).
            return Response.error(503, "The server is shutting down; try again later").header("Retry-After", "5");
        }
        if (e instanceof StoreUnavailableException unavailable) {
            LOG.warn("Request {}: store unavailable: {}", requestId, e.getMessage());
            // The store's name only: the driver's message may carry addresses a client need not see.
            String store = storeName(unavailable).map(name -> "The " + name).orElse("A store");
            return Response.error(503, store + " is unavailable; try again later").header("Retry-After", "5");
        }
        if (e instanceof IOException) {
            // Mostly a client that went away; nothing useful to answer.
            LOG.info("Request {}: I/O error while serving: {}", requestId, e.toString());
            return Response.error(400, "The request could not be read");
        }
        LOG.error("Request {} failed", requestId, e);
        return Response.error(500, "Internal server error (request id " + requestId + ")");
    }

    /** The first store a chain of unavailability names (the facade may wrap the store's own). */
    private static Optional<String> storeName(StoreUnavailableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException unavailable && unavailable.store().isPresent()) {
                return unavailable.store();
            }
        }
        return Optional.empty();
    }

    /**
     * Writes the response, records the timer and the access log.
     *
     * @param head null when the head could not be read
     * @return false when the response could not be written in full (the connection must close)
     */
    private boolean answer(ResponseOutput out, HttpHead head, String requestId, long start, String template,
            Response response, boolean keepAlive) throws IOException {
        int status = response.status();
        String method = head == null ? "UNKNOWN" : head.method();
        // A HEAD answer and a 304 carry no body by definition.
        boolean withBody = !method.equals("HEAD") && status != 304;
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        headers.put(REQUEST_ID, requestId);
        boolean written = false;
        try {
            out.write(status, response.contentType(), headers, response.body(), withBody, !keepAlive);
            written = true;
        } catch (IOException | RuntimeException e) {
            if (out.committed()) {
                // The client is gone, or a streamed body failed half-way: only closing is left.
                LOG.info("Request {}: the response could not be written in full: {}", requestId, e.toString());
                return false;
            }
            // Nothing was sent yet: the body writer failed (a store error while streaming, say).
            LOG.error("Request {}: writing the response failed", requestId, e);
            status = 500;
            Response failed = Response.error(500, "Internal server error (request id " + requestId + ")");
            out.write(500, failed.contentType(), Map.of(REQUEST_ID, requestId), failed.body(), withBody, true);
        } finally {
            long nanos = System.nanoTime() - start;
            timer(method, template, status).record(nanos, TimeUnit.NANOSECONDS);
            if (accessLog.enabled()) {
                accessLog.log(requestId + ' ' + method + ' ' + (head == null ? "-" : head.rawPath()) + ' ' + status
                        + ' ' + TimeUnit.NANOSECONDS.toMillis(nanos) + "ms");
            }
        }
        return written;
    }

    private Timer timer(String method, String template, int status) {
        String key = method + ' ' + template + ' ' + status;
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, k -> Timer.builder("http.server.requests").tag("method", method)
                    .tag("uri", template).tag("status", Integer.toString(status)).register(meters));
        }
        return timer;
    }

    private static String requestId(HttpHead head) {
        Optional<String> given = head.first(REQUEST_ID);
        if (given.isPresent() && SANE_REQUEST_ID.matcher(given.get()).matches()) {
            return given.get();
        }
        return newRequestId();
    }

    /**
     * A random version-4 UUID from {@link ThreadLocalRandom}: a request id must be unique, not
     * unguessable, and {@link UUID#randomUUID()} serialises every request on one SecureRandom.
     */
    static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /** For tests and diagnostics: the routes served. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        router.routes().forEach(r -> out.put(r.method() + " " + r.template(), r.options().toString()));
        return out;
    }

    /**
     * Stops: no new connections; requests being served get a few seconds to finish, then every
     * connection is closed. Idempotent.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            LOG.debug("Closing the listening socket failed", e);
        }
        try {
            // Running handlers finish; idle connections are closed below.
            if (handlers.tryAcquire(handlerLimit, 5, TimeUnit.SECONDS)) {
                handlers.release(handlerLimit);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("Closing a connection failed", e);
            }
        }
        connections.shutdownNow();
        accessLog.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
