package io.orderkpi.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.lang.OrderKpiException;
import io.orderkpi.core.lang.StoreUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One adapter's way to Redis: a client (its own, built from a URI, or the application's), one
 * multiplexed connection opened on first use, scripts run with {@code EVALSHA} (falling back to
 * {@code EVAL} once when the server lost its script cache), and every error turned into the core's
 * exceptions: {@link StoreUnavailableException} when Redis cannot serve now (unreachable, timed
 * out, {@code LOADING}, {@code BUSY}, …), {@link OrderKpiException} for any other error reply.
 * Thread-safe; commands sent together from one thread are pipelined.
 */
final class RedisLink implements AutoCloseable {

    /**
     * How long a caller waits for a reply while Redis is known not to answer (a command timed out
     * and no reply came since): the full timeout per call made every HTTP handler wait it out in
     * turn, so a hung Redis held every handler slot and requests that need only MySQL, and
     * {@code /health}, queued behind them.
     */
    static final long UNRESPONSIVE_WAIT_MILLIS = 100;

    private final String name;
    private final long timeoutMillis;
    /** "Redis at host:port", for messages; never the password. */
    /** What a client is told is unavailable ("The Redis server is unavailable; try again later"). */
    static final String STORE = "Redis server";

    private final String server;
    private final @Nullable RedisClient ownedClient;
    private final @Nullable ClientResources ownedResources;
    private final RedisClient client;
    private final Object connecting = new Object();
    private volatile @Nullable StatefulRedisConnection<String, String> connection;
    private volatile boolean closed;
    /** Set when a command timed out, cleared by any reply (an error reply too). */
    private volatile boolean unresponsive;
    /** The number of the latest attempt to connect, and whether it is under way. */
    private volatile long attempt;
    private volatile boolean attempting;
    /** The latest failed attempt and its failure; guarded by {@link #connecting}. */
    private long failedAttempt;
    private @Nullable StoreUnavailableException failure;

    /**
     * @param name     what the adapter is, for messages ("The Redis KPI store")
     * @param settings a URI (the link then owns its client) or the application's client (which
     *                 the link does not shut down), and the command timeout
     */
    RedisLink(String name, RedisSettings<?> settings) {
        String uri = settings.uri;
        RedisClient client = settings.client;
        Duration commandTimeout = settings.commandTimeout;
        if ((uri == null) == (client == null)) {
            throw new IllegalArgumentException(name + " needs exactly one of uri and client");
        }
        this.name = name;
        this.timeoutMillis = commandTimeout.toMillis();
        if (client != null) {
            this.client = client;
            this.ownedClient = null;
            this.ownedResources = null;
            this.server = "Redis (the application's RedisClient)";
        } else {
            RedisURI parsed = RedisURI.create(Objects.requireNonNull(uri, "uri"));
            parsed.setTimeout(commandTimeout);
            this.server = "Redis at " + parsed.getHost() + ":" + parsed.getPort();
            this.ownedResources = ClientResources.builder()
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                    .build();
            RedisClient created = RedisClient.create(ownedResources, parsed);
            created.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    // Fail at once while disconnected instead of buffering: callers stall and retry.
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                    .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
                    .build());
            this.client = created;
            this.ownedClient = created;
        }
    }

    /** "Redis at host:port", for messages. */
    String server() {
        return server;
    }

    /**
     * Connects on first use, so an adapter can be built while Redis is down and work once it is up.
     * Callers that arrive while an attempt is under way take its outcome, failure included, rather
     * than each trying again in turn: against a hung Redis, the sixteenth of sixteen callers waited
     * sixteen connect timeouts.
     */
    RedisAsyncCommands<String, String> commands() {
        StatefulRedisConnection<String, String> open = connection;
        if (open != null) {
            return open.async();
        }
        long firstAccepted = attempting ? attempt : attempt + 1;
        synchronized (connecting) {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
            if (connection == null) {
                StoreUnavailableException failed = failure;
                if (failed != null && failedAttempt >= firstAccepted) {
                    throw new StoreUnavailableException(STORE, failed.getMessage(), failed);
                }
                attempt++;
                attempting = true;
                try {
                    connection = client.connect();
                } catch (RedisException e) {
                    failedAttempt = attempt;
                    failure = new StoreUnavailableException(STORE, server + " cannot be reached: " + reason(e), e);
                    throw failure;
                } finally {
                    attempting = false;
                }
            }
            return connection.async();
        }
    }

    /** A script started with EVALSHA, with what it takes to run it again with EVAL. */
    record Call<T>(LuaScript script, String[] keys, String[] args, RedisFuture<T> future) {
    }

    static <T> Call<T> start(RedisAsyncCommands<String, String> redis, LuaScript script, String[] keys, String... args) {
        return new Call<>(script, keys, args, redis.evalsha(script.sha(), script.output(), keys, args));
    }

    /** Runs one script and waits for its reply. */
    <T> T run(LuaScript script, String[] keys, String[] args, String what) {
        RedisAsyncCommands<String, String> redis = commands();
        return finish(redis, start(redis, script, keys, args), what);
    }

    /** Waits for a script; a server that lost its script cache (a restart) gets the source once. */
    <T> T finish(RedisAsyncCommands<String, String> redis, Call<T> call, String what) {
        try {
            return get(call.future(), what);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof RedisNoScriptException)) {
                throw failure(e.getCause(), what);
            }
        }
        LuaScript script = call.script();
        return await(redis.eval(script.source(), script.output(), call.keys(), call.args()), what);
    }

    <T> T await(RedisFuture<T> future, String what) {
        try {
            return get(future, what);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), what);
        }
    }

    /** The reply; a wait past the timeout (the short one while Redis does not answer) is unavailability. */
    private <T> T get(RedisFuture<T> future, String what) throws ExecutionException {
        // A reply that comes after its caller gave up still tells that Redis answers again.
        future.whenComplete((value, error) -> {
            if (error == null || error instanceof RedisCommandExecutionException) {
                unresponsive = false;
            } else if (error instanceof RedisCommandTimeoutException) {
                unresponsive = true;
            }
        });
        boolean known = unresponsive;
        long wait = known ? Math.min(timeoutMillis, UNRESPONSIVE_WAIT_MILLIS) : timeoutMillis;
        try {
            T reply = future.get(wait, TimeUnit.MILLISECONDS);
            unresponsive = false;
            return reply;
        } catch (TimeoutException e) {
            unresponsive = true;
            throw new StoreUnavailableException(STORE, server + " did not answer within " + wait + " ms to " + what
                    + (known ? " (nor since an earlier time-out)" : ""), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisCommandTimeoutException) {
                // Lettuce's own timer, the same timeout: reported as ours, whichever fired first.
                unresponsive = true;
                throw new StoreUnavailableException(STORE, server + " did not answer within " + wait + " ms to " + what, e);
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(STORE, "Interrupted while waiting for " + server, e);
        }
    }

    /**
     * Errors that say the server cannot serve now (loading, busy, read-only replica, out of
     * memory, …) are unavailability, which callers wait out; any other error reply is a fault.
     */
    private RuntimeException failure(Throwable cause, String what) {
        if (cause instanceof RedisCommandExecutionException && !isTransient(cause.getMessage())) {
            return new OrderKpiException(server + " refused to " + what + ": " + cause.getMessage(), cause);
        }
        if (cause instanceof RedisException || cause instanceof IOException) {
            return new StoreUnavailableException(STORE, server + " could not " + what + ": " + reason(cause), cause);
        }
        return cause instanceof RuntimeException runtime ? runtime : new OrderKpiException("Redis failed to " + what, cause);
    }

    private static boolean isTransient(@Nullable String message) {
        if (message == null) {
            return false;
        }
        for (String code : List.of("LOADING", "BUSY", "READONLY", "OOM", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN",
                "NOREPLICAS", "MISCONF")) {
            if (message.startsWith(code)) {
                return true;
            }
        }
        return false;
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }

    /** Closes the connection, and the client when the link owns it. Idempotent. */
    @Override
    public void close() {
        synchronized (connecting) {
            if (closed) {
                return;
            }
            closed = true;
            StatefulRedisConnection<String, String> open = connection;
            connection = null;
            if (open != null) {
                open.close();
            }
            if (ownedClient != null) {
                ownedClient.shutdown();
            }
            if (ownedResources != null) {
                ownedResources.shutdown();
            }
        }
    }
}
