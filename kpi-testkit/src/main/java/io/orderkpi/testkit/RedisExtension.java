package io.orderkpi.testkit;

import io.orderkpi.core.lang.Nullable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension handing a test class a real Redis ({@link TestRedis}). Register it on a
 * static field:
 * <pre>{@code
 * @RegisterExtension
 * static final RedisExtension REDIS = RedisExtension.shared();
 * ... REDIS.redis().uri(), REDIS.redis().newKeyPrefix() ...
 * }</pre>
 *
 * <p>{@link #shared()} finds a server once per JVM, in this order, and never skips a test:
 * <ol>
 *   <li>{@code ORDERKPI_TEST_REDIS_URL} when set (a {@code redis://} or {@code rediss://} URI; the
 *       run fails if it does not answer);</li>
 *   <li>else the server on 127.0.0.1:6379 (the system property {@code orderkpi.test.redis.local}
 *       names another address, e.g. a dead port to try the next step);</li>
 *   <li>else the Redis 6.2 bundled in {@code com.github.codemonstur:embedded-redis}, started on a
 *       free port and stopped when the JVM's tests end;</li>
 *   <li>else the class fails with one line saying what to set or install.</li>
 * </ol>
 * Each test class gets a key prefix of its own on a shared server; every key under it is deleted
 * (found with {@code SCAN}, never {@code FLUSHDB}) after the class.
 *
 * <p>{@link #embedded()} always starts the bundled Redis for the class, so that path is exercised
 * on every machine; {@link #owned()} starts a server the class owns (embedded, else
 * {@code redis-server} from the PATH), which fault tests may stop, restart or flush. Both are
 * stopped after the class.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback {

    static final String URL_VARIABLE = "ORDERKPI_TEST_REDIS_URL";
    static final String LOCAL_PROPERTY = "orderkpi.test.redis.local";
    private static final URI DEFAULT_LOCAL = URI.create("redis://127.0.0.1:6379");
    private static final String RUN = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    private static final AtomicInteger CLASSES = new AtomicInteger();

    private enum Mode { SHARED, EMBEDDED, OWNED }

    /** The server a {@link #shared()} extension found; held for the JVM, since finding it costs a probe or a start. */
    record Located(URI uri, TestRedis.Source source, @Nullable RedisProcess process) {
    }

    /** Starts a server the tests own; for the locator, so that its fall-backs can be tested. */
    @FunctionalInterface
    interface Starter {
        RedisProcess start() throws IOException;
    }

    private static @Nullable Located sharedServer;

    private final Mode mode;
    private volatile @Nullable TestRedis redis;
    /** The class whose {@code beforeAll} found the server; only its {@code afterAll} releases it. */
    private volatile @Nullable String owner;

    private RedisExtension(Mode mode) {
        this.mode = mode;
    }

    /** The first Redis found of: {@code ORDERKPI_TEST_REDIS_URL}, 127.0.0.1:6379, the embedded one. */
    public static RedisExtension shared() {
        return new RedisExtension(Mode.SHARED);
    }

    /** The Redis 6.2 bundled in embedded-redis, started for this class alone. */
    public static RedisExtension embedded() {
        return new RedisExtension(Mode.EMBEDDED);
    }

    /** A Redis this class owns (embedded, else {@code redis-server} from the PATH): fault tests may stop or flush it. */
    public static RedisExtension owned() {
        return new RedisExtension(Mode.OWNED);
    }

    /**
     * The server of the running test class.
     *
     * @throws IllegalStateException before {@code beforeAll}, e.g. when the extension is not on a static field
     */
    public TestRedis redis() {
        TestRedis current = redis;
        if (current == null) {
            throw new IllegalStateException("No Redis yet: register RedisExtension on a static field with @RegisterExtension");
        }
        return current;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (redis != null) {
            // A @Nested class inherits the extension: it shares the server of the class that declared it.
            return;
        }
        owner = context.getUniqueId();
        String prefix = "okpi-test-" + RUN + "-" + CLASSES.incrementAndGet();
        Located located = switch (mode) {
            case SHARED -> sharedServer(context);
            case EMBEDDED -> ownedServer(RedisProcess::startEmbedded, null);
            case OWNED -> ownedServer(RedisProcess::startEmbedded, RedisProcess::startFromPath);
        };
        redis = new TestRedis(located.uri(), located.source(), prefix, mode == Mode.SHARED ? null : located.process());
        // So a run's report says which server the Redis tests really used.
        context.publishReportEntry("redis", located.source() + " " + redact(located.uri()) + " prefix " + prefix);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getUniqueId().equals(owner)) {
            return;
        }
        TestRedis current = redis;
        redis = null;
        if (current == null) {
            return;
        }
        if (current.isOwned()) {
            current.release();
        } else {
            current.deleteKeys();
        }
    }

    private static synchronized Located sharedServer(ExtensionContext context) {
        if (sharedServer == null) {
            String local = System.getProperty(LOCAL_PROPERTY);
            Located located = locate(System.getenv(), local == null ? DEFAULT_LOCAL : URI.create(local),
                    RedisProcess::startEmbedded);
            RedisProcess process = located.process();
            if (process != null) {
                // Stopped when the whole run's tests end, not after the first class using it.
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(RedisExtension.class, (AutoCloseable) process::stop);
            }
            sharedServer = located;
        }
        return sharedServer;
    }

    /**
     * Finds the server for {@link #shared()}: the configured URL, else the local server, else one
     * started by {@code embedded}; fails with one line when none works.
     */
    static Located locate(Map<String, String> env, URI local, Starter embedded) {
        String configured = env.get(URL_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            URI uri = parse(configured.trim());
            String problem = ping(uri);
            if (problem != null) {
                throw new ExtensionConfigurationException(URL_VARIABLE + "=" + redact(uri) + " does not answer: " + problem);
            }
            return new Located(uri, TestRedis.Source.ENVIRONMENT, null);
        }
        String localProblem = ping(local);
        if (localProblem == null) {
            return new Located(local, TestRedis.Source.LOCAL, null);
        }
        if (!localProblem.startsWith("nothing listens")) {
            throw new ExtensionConfigurationException("The Redis on " + redact(local) + " cannot be used (" + localProblem
                    + "): set " + URL_VARIABLE + " to a Redis the tests may write to");
        }
        try {
            RedisProcess process = embedded.start();
            return new Located(process.uri(), process.source(), process);
        } catch (IOException | RuntimeException e) {
            throw new ExtensionConfigurationException("No Redis for the tests: " + URL_VARIABLE + " is not set, "
                    + localProblem + " and the embedded Redis 6.2 did not start (" + oneLine(e)
                    + "); set " + URL_VARIABLE + " or start redis-server on 127.0.0.1:6379", e);
        }
    }

    private static Located ownedServer(Starter first, @Nullable Starter second) {
        try {
            RedisProcess process = first.start();
            return new Located(process.uri(), process.source(), process);
        } catch (IOException | RuntimeException e) {
            if (second == null) {
                throw new ExtensionConfigurationException("The embedded Redis 6.2 did not start: " + oneLine(e), e);
            }
            try {
                RedisProcess process = second.start();
                return new Located(process.uri(), process.source(), process);
            } catch (IOException | RuntimeException fromPath) {
                throw new ExtensionConfigurationException("No Redis the test can own: the embedded Redis did not start ("
                        + oneLine(e) + ") and neither did redis-server from the PATH (" + oneLine(fromPath)
                        + "); install redis-server", fromPath);
            }
        }
    }

    /** The message of a start failure on one line (a server's output may span several). */
    private static String oneLine(Throwable e) {
        return String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** Null when the server answers PING; else why not, starting with "nothing listens" when the port is closed. */
    private static @Nullable String ping(URI uri) {
        try (RespClient client = RespClient.connect(uri, 1_000)) {
            Object reply = client.call("PING");
            return "PONG".equals(reply) ? null : "PING answered " + reply;
        } catch (ConnectException e) {
            return "nothing listens on " + redact(uri);
        } catch (IOException | RuntimeException e) {
            return oneLine(e);
        }
    }

    private static URI parse(String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException(URL_VARIABLE + " is not a URI: " + e.getMessage());
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new ExtensionConfigurationException(URL_VARIABLE + " must look like redis://host:port/db, not "
                    + redact(uri));
        }
        return uri;
    }

    /** The URI with any password replaced by {@code ***}, for messages. */
    static String redact(URI uri) {
        String text = uri.toString();
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return text;
        }
        int colon = userInfo.indexOf(':');
        String safe = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
        return text.replace(userInfo + "@", safe + "@");
    }
}
