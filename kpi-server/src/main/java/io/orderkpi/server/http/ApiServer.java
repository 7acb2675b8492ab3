package io.orderkpi.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orderkpi.core.StoreUnavailableException;
import io.orderkpi.core.queue.QueueClosedException;
import io.orderkpi.core.order.IllegalTransitionException;
import io.orderkpi.server.ServerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP front: a JDK {@link HttpServer} serving the routes of a {@link Router}.
 *
 * <p>Threads: the JDK's dispatcher hands each request to a small <em>front</em> pool that reads
 * its headers, matches the route, checks the token and the declared size, and passes it on to
 * the bounded <em>work</em> pool (503 when its queue is full) or, for {@link RouteOption#UPLOAD}
 * routes, to the small <em>import</em> pool (429 when full), so uploads never starve the other
 * endpoints. A {@link Watchdog} closes requests whose client stops sending.
 *
 * <p>Every response carries {@code X-Request-Id} (the client's when sane, else a new one), which
 * the logs carry too (MDC key {@code request_id}). Errors are always the JSON envelope
 * {@code {"success":false,"error":…}}: {@link ApiException} gives its status,
 * {@link IllegalArgumentException} 400, {@link NoSuchElementException} 404,
 * {@link IllegalTransitionException} 409, {@link StoreUnavailableException} and
 * {@link QueueClosedException} (workers stopped) 503, and anything
 * else 500 with a generic message (the stack trace goes to the log only).
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    public static final String REQUEST_ID = "X-Request-Id";

    private final HttpServer server;
    private final Router router;
    private final BearerAuth auth;
    private final MeterRegistry meters;
    private final long maxBodyBytes;
    private final long maxUploadBytes;
    private final ThreadPoolExecutor front;
    private final ThreadPoolExecutor work;
    private final ThreadPoolExecutor imports;
    private final Watchdog watchdog;
    private final URI uri;

    private ApiServer(ServerConfig config, Router router, MeterRegistry meters) throws IOException {
        this.router = router;
        this.meters = meters;
        this.auth = new BearerAuth(config.apiToken(), config.readToken(), config.publicAnalytics());
        this.maxBodyBytes = config.maxBodyBytes();
        this.maxUploadBytes = config.maxUploadBytes();
        // Front threads only read headers and hand over; when all are busy the JDK's dispatcher
        // thread does it itself, which stops it accepting: back-pressure instead of a reset.
        this.front = new ThreadPoolExecutor(2, Math.max(8, config.httpThreads()), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threads("okpi-http-front"), new ThreadPoolExecutor.CallerRunsPolicy());
        this.work = new ThreadPoolExecutor(config.httpThreads(), config.httpThreads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.httpQueue()), threads("okpi-http"), new ThreadPoolExecutor.AbortPolicy());
        this.imports = new ThreadPoolExecutor(config.importSlots(), config.importSlots(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threads("okpi-http-import"), new ThreadPoolExecutor.AbortPolicy());
        this.watchdog = new Watchdog(config.httpIdleTimeout());
        router.seal();
        InetAddress address = InetAddress.getByName(config.bind());
        this.server = HttpServer.create(new InetSocketAddress(address, config.port()), 128);
        server.createContext("/", this::dispatch);
        server.setExecutor(front);
        server.start();
        int port = server.getAddress().getPort();
        String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
        this.uri = URI.create("http://" + host + ":" + port);
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
        return server.getAddress().getPort();
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Runs on a front thread: everything that needs no body, then the hand-over. */
    private void dispatch(HttpExchange exchange) {
        long start = System.nanoTime();
        String requestId = requestId(exchange);
        exchange.getResponseHeaders().set(REQUEST_ID, requestId);
        String method = exchange.getRequestMethod();
        Router.Match match = router.match(method, exchange.getRequestURI().getRawPath());
        if (match instanceof Router.NotFound) {
            finish(exchange, requestId, start, "NOT_FOUND", Response.error(404, "Not found"));
            return;
        }
        if (match instanceof Router.MethodNotAllowed notAllowed) {
            exchange.getResponseHeaders().set("Allow", String.join(", ", notAllowed.allowed()));
            finish(exchange, requestId, start, "METHOD_NOT_ALLOWED", Response.error(405, "Method " + method
                    + " not allowed; allowed: " + String.join(", ", notAllowed.allowed())));
            return;
        }
        Router.Found found = (Router.Found) match;
        Route route = found.route();
        boolean upload = route.has(RouteOption.UPLOAD);
        long limit = upload ? maxUploadBytes : maxBodyBytes;
        try {
            auth.check(route, method, Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
            String declared = exchange.getRequestHeaders().getFirst("Content-Length");
            if (declared != null && parseLength(declared) > limit) {
                throw ApiException.payloadTooLarge(limit);
            }
        } catch (ApiException e) {
            if (e.status() == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            }
            finish(exchange, requestId, start, route.template(), Response.error(e.status(), e.getMessage()));
            return;
        }
        try {
            (upload ? imports : work).execute(() -> serve(exchange, found, requestId, limit, start));
        } catch (RejectedExecutionException e) {
            Response busy = upload ? Response.error(429, "Too many imports running; try again later")
                    : Response.error(503, "Server busy; try again later");
            finish(exchange, requestId, start, route.template(), busy.header("Retry-After", "1"));
        }
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Malformed Content-Length");
        }
    }

    /** Runs on a work or import thread. */
    private void serve(HttpExchange exchange, Router.Found found, String requestId, long limit, long start) {
        MDC.put("request_id", requestId);
        WatchedInputStream body = new WatchedInputStream(exchange.getRequestBody(), limit);
        Response response;
        try (AutoCloseable watch = watchdog.watch(exchange, body, requestId)) {
            Request request = new Request(exchange, found.route(), found.params(), requestId, body);
            response = found.route().handler().handle(request);
        } catch (Exception e) {
            response = toError(e, requestId);
        }
        try {
            finish(exchange, requestId, start, found.route().template(), response);
        } finally {
            MDC.remove("request_id");
        }
    }

    /** Central exception mapping: the one place that decides statuses of thrown errors. */
    private static Response toError(Exception e, String requestId) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException tooLarge) {
                return Response.error(413, tooLarge.getMessage());
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
        if (e instanceof StoreUnavailableException) {
            LOG.warn("Request {}: store unavailable: {}", requestId, e.getMessage());
            return Response.error(503, "A store is unavailable; try again later").header("Retry-After", "5");
        }
        if (e instanceof IOException) {
            // Mostly a client that went away or was cut off by the watchdog; nothing to answer.
            LOG.info("Request {}: I/O error while serving: {}", requestId, e.toString());
            return Response.error(400, "The request could not be read");
        }
        LOG.error("Request {} failed", requestId, e);
        return Response.error(500, "Internal server error (request id " + requestId + ")");
    }

    /** Writes the response, closes the exchange, records the timer and the access log. */
    private void finish(HttpExchange exchange, String requestId, long start, String template, Response response) {
        int status = response.status();
        try {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            // A 304 has no body by definition; -1 says so (0 would make the JDK log a warning).
            if (exchange.getRequestMethod().equals("HEAD") || status == 304) {
                exchange.sendResponseHeaders(status, -1);
            } else {
                // Length 0 = chunked: the body streams straight from Jackson to the socket.
                exchange.sendResponseHeaders(status, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    response.body().writeTo(out);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("Request {}: the response could not be written: {}", requestId, e.toString());
        } finally {
            exchange.close();
            long nanos = System.nanoTime() - start;
            Timer.builder("http.server.requests").tag("method", exchange.getRequestMethod()).tag("uri", template)
                    .tag("status", Integer.toString(status)).register(meters).record(nanos, TimeUnit.NANOSECONDS);
            LOG.info("{} {} {} {} {}ms", requestId, exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    status, TimeUnit.NANOSECONDS.toMillis(nanos));
        }
    }

    private static String requestId(HttpExchange exchange) {
        String given = exchange.getRequestHeaders().getFirst(REQUEST_ID);
        if (given != null && SANE_REQUEST_ID.matcher(given).matches()) {
            return given;
        }
        return UUID.randomUUID().toString();
    }

    /** For tests and diagnostics: the routes served. */
    public Map<String, String> describe() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        router.routes().forEach(r -> out.put(r.method() + " " + r.template(), r.options().toString()));
        return out;
    }

    /**
     * Stops: no new connections; requests being served get a few seconds to finish. Idempotent.
     */
    @Override
    public void close() {
        work.shutdown();
        imports.shutdown();
        try {
            work.awaitTermination(5, TimeUnit.SECONDS);
            imports.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        front.shutdownNow();
        work.shutdownNow();
        imports.shutdownNow();
        watchdog.close();
    }

}
