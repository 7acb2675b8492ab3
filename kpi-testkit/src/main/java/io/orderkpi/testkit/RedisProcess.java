package io.orderkpi.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A {@code redis-server} process started for the tests on a free port of 127.0.0.1, keeping
 * nothing on disk, so a restart loses every key as a restart without persistence does in
 * production. Started from the binary bundled in embedded-redis (Redis 6.2) or from the PATH.
 * Thread-safe.
 */
final class RedisProcess {

    private final RedisServer server;
    private final int port;
    private final TestRedis.Source source;

    private RedisProcess(RedisServer server, int port, TestRedis.Source source) {
        this.server = server;
        this.port = port;
        this.source = source;
    }

    /** Starts the Redis bundled in embedded-redis. */
    static RedisProcess startEmbedded() throws IOException {
        return start(ExecutableProvider.newJarResourceProvider(), TestRedis.Source.EMBEDDED);
    }

    /** Starts {@code redis-server} from the PATH. */
    static RedisProcess startFromPath() throws IOException {
        return start(ExecutableProvider.newExecutableInPath("redis-server"), TestRedis.Source.PATH);
    }

    private static RedisProcess start(ExecutableProvider binary, TestRedis.Source source) throws IOException {
        int port = freePort();
        RedisServer server = RedisServer.newRedisServer()
                .executableProvider(binary)
                .bind("127.0.0.1")
                .port(port)
                // No RDB snapshots and no AOF: a restart must lose the data set.
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
        server.start();
        return new RedisProcess(server, port, source);
    }

    URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    TestRedis.Source source() {
        return source;
    }

    void start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not restart the test Redis on port " + port + ": " + e.getMessage(), e);
        }
    }

    void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not stop the test Redis on port " + port + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
