package io.orderkpi.testkit;

import io.orderkpi.core.lang.Nullable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Redis handed to a test by {@link RedisExtension}: where it is, where it came from, and
 * the key prefix the test must write under. On a server shared with others (the
 * {@linkplain Source#ENVIRONMENT configured} or the {@linkplain Source#LOCAL local} one) every key
 * under {@link #keyPrefix()} is deleted after the test class, and commands that would touch
 * other people's keys are refused. A server the test {@linkplain #isOwned() owns} can be stopped,
 * restarted (losing its data: it keeps nothing on disk) and flushed. Thread-safe.
 */
public final class TestRedis {

    /** Where the server came from, in the order {@link RedisExtension} tries them. */
    public enum Source {
        /** {@code ORDERKPI_TEST_REDIS_URL}. */
        ENVIRONMENT,
        /** A server already listening on 127.0.0.1:6379. */
        LOCAL,
        /** The Redis 6.2 bundled in {@code com.github.codemonstur:embedded-redis}, started for the tests. */
        EMBEDDED,
        /** {@code redis-server} found on the PATH, started for the tests. */
        PATH
    }

    /** Commands that reach beyond a key prefix, allowed only on a server the test owns. */
    private static final Set<String> OWNER_ONLY = Set.of("FLUSHALL", "FLUSHDB", "SHUTDOWN", "DEBUG", "CONFIG",
            "SCRIPT", "SWAPDB", "REPLICAOF", "SLAVEOF", "KEYS", "MIGRATE", "FAILOVER");

    private final URI uri;
    private final Source source;
    private final String keyPrefix;
    private final @Nullable RedisProcess process;
    private final AtomicInteger prefixes = new AtomicInteger();

    TestRedis(URI uri, Source source, String keyPrefix, @Nullable RedisProcess process) {
        this.uri = uri;
        this.source = source;
        this.keyPrefix = keyPrefix;
        this.process = process;
    }

    /** The server's URI ({@code redis://…}), password included, for a client to connect with. */
    public String uri() {
        return uri.toString();
    }

    public String host() {
        return uri.getHost();
    }

    public int port() {
        return uri.getPort() > 0 ? uri.getPort() : 6379;
    }

    public Source source() {
        return source;
    }

    /** True when the server was started for this test class alone, so it may be stopped or flushed. */
    public boolean isOwned() {
        return process != null;
    }

    /**
     * The prefix of this test class: its keys are named {@code keyPrefix() + ":…"} (what
     * {@link #newKeyPrefix()} gives is). It contains no {@code {}} and no glob characters, so a
     * store may append hash tags after it.
     */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** A prefix under {@link #keyPrefix()} that no other caller of this method gets: one per store a test opens. */
    public String newKeyPrefix() {
        return keyPrefix + ":" + prefixes.incrementAndGet();
    }

    /**
     * Runs one command and returns the reply: a {@code String}, a {@code Long}, a {@code List} or
     * null. Commands that reach beyond a key prefix ({@code FLUSHALL}, {@code CONFIG},
     * {@code SCRIPT}, …) are refused unless the server is {@linkplain #isOwned() owned}.
     *
     * @throws IllegalStateException when such a command is sent to a shared server
     */
    public @Nullable Object command(String... args) {
        if (!isOwned() && OWNER_ONLY.contains(args[0].toUpperCase(Locale.ROOT))) {
            throw new IllegalStateException(args[0] + " is refused on a shared Redis (" + source
                    + "): use RedisExtension.owned() for a server the test may break");
        }
        try (RespClient client = RespClient.connect(uri, 2_000)) {
            return client.call(args);
        } catch (IOException e) {
            throw new UncheckedIOException("Redis at " + RedisExtension.redact(uri) + " did not answer: "
                    + e.getMessage(), e);
        }
    }

    /** A field of {@code INFO server}, such as {@code redis_version} or {@code executable}; empty when absent. */
    public String serverInfo(String field) {
        Object info = command("INFO", "server");
        for (String line : String.valueOf(info).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return "";
    }

    /** Every key under {@code keyPrefix() + ":"}, found with {@code SCAN} (never {@code KEYS}). */
    public List<String> keys() {
        return keys(keyPrefix + ":");
    }

    /** Every key starting with {@code prefix}, which must not hold glob characters. */
    public List<String> keys(String prefix) {
        try (RespClient client = RespClient.connect(uri, 2_000)) {
            return scan(client, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the owned server; clients see connection errors until {@link #start()}. */
    public void stop() {
        owned().stop();
    }

    /** Starts the owned server again on the same port, empty. */
    public void start() {
        owned().start();
    }

    /** Stops and starts the owned server: a restart without persistence, so every key is lost. */
    public void restart() {
        RedisProcess owned = owned();
        owned.stop();
        owned.start();
    }

    private RedisProcess owned() {
        if (process == null) {
            throw new IllegalStateException("The Redis from " + source + " is shared and must not be stopped: "
                    + "use RedisExtension.owned() for a server the test may break");
        }
        return process;
    }

    /**
     * Deletes every key under {@code keyPrefix() + ":"} (the colon keeps class 1 from taking class
     * 12's keys), in batches found with SCAN; never FLUSHDB.
     */
    void deleteKeys() {
        try (RespClient client = RespClient.connect(uri, 2_000)) {
            List<String> keys = scan(client, keyPrefix + ":");
            for (int from = 0; from < keys.size(); from += 500) {
                List<String> args = new ArrayList<>();
                args.add("UNLINK");
                args.addAll(keys.subList(from, Math.min(keys.size(), from + 500)));
                client.call(args.toArray(String[]::new));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the test keys " + keyPrefix + "* from "
                    + RedisExtension.redact(uri) + ": " + e.getMessage(), e);
        }
    }

    /** Stops a server this class owns; nothing for a shared one. */
    void release() {
        if (process != null) {
            process.stop();
        }
    }

    private static List<String> scan(RespClient client, String prefix) {
        // SCAN may return a key twice while the table is resized.
        Set<String> keys = new LinkedHashSet<>();
        String cursor = "0";
        do {
            List<?> reply = (List<?>) client.call("SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000");
            cursor = (String) reply.get(0);
            for (Object key : (List<?>) reply.get(1)) {
                keys.add((String) key);
            }
        } while (!"0".equals(cursor));
        return new ArrayList<>(keys);
    }
}
