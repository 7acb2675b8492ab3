package io.orderkpi.redis;

import io.lettuce.core.RedisClient;
import io.orderkpi.core.lang.Nullable;
import java.time.Duration;
import java.util.Objects;

/**
 * What every Redis adapter's builder takes: the server ({@link #uri} or {@link #client}, exactly
 * one), the key prefix and the command timeout. Not thread-safe; the adapters built are.
 *
 * @param <B> the builder, returned by every setter for chaining
 */
public abstract class RedisSettings<B extends RedisSettings<B>> {

    @Nullable String uri;
    @Nullable RedisClient client;
    String prefix = "okpi";
    Duration commandTimeout = Duration.ofSeconds(2);

    RedisSettings() {
    }

    /** This builder, for chaining. */
    abstract B self();

    /**
     * The server, as a Redis URI ({@code redis://host:6379/0}, {@code rediss://} for TLS, a
     * password in the URI). The adapter creates its own client and shuts it down on close.
     */
    public B uri(String uri) {
        this.uri = Objects.requireNonNull(uri, "uri");
        return self();
    }

    /** A client the application owns (and shuts down itself); the adapter opens one connection of it. */
    public B client(RedisClient client) {
        this.client = Objects.requireNonNull(client, "client");
        return self();
    }

    /** What every key starts with (default {@code okpi}): printable ASCII, no braces, at most 64 characters. */
    public B prefix(String prefix) {
        this.prefix = RedisKeys.validate(Objects.requireNonNull(prefix, "prefix"));
        return self();
    }

    /** How long a command may take before the adapter reports Redis unavailable (default 2 s). */
    public B commandTimeout(Duration commandTimeout) {
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("Redis command timeout must be positive: " + commandTimeout);
        }
        this.commandTimeout = commandTimeout;
        return self();
    }
}
