package io.orderkpi.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.orderkpi.testkit.TestRedis;
import java.time.Duration;
import java.util.List;

/** A Lettuce client of a test class's Redis, for its stores, plus a connection of its own to inspect keys. */
final class Lettuce implements AutoCloseable {

    private final TestRedis server;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> admin;

    private Lettuce(TestRedis server) {
        this.server = server;
        this.client = RedisClient.create(server.uri());
        this.admin = client.connect();
    }

    static Lettuce connect(TestRedis server) {
        return new Lettuce(server);
    }

    RedisClient client() {
        return client;
    }

    RedisCommands<String, String> redis() {
        return admin.sync();
    }

    /**
     * What {@code duration} of the server's clock would do to the keys under the prefixes: each
     * TTL lowered by it, a key reaching zero deleted, keys without a TTL left alone.
     */
    void advanceTime(List<String> prefixes, Duration duration) {
        for (String prefix : prefixes) {
            for (String key : server.keys(prefix + ":")) {
                long ttl = redis().pttl(key);
                if (ttl < 0) {
                    continue;
                }
                long left = ttl - duration.toMillis();
                if (left <= 0) {
                    redis().del(key);
                } else {
                    redis().pexpire(key, left);
                }
            }
        }
    }

    @Override
    public void close() {
        admin.close();
        client.shutdown();
    }
}
