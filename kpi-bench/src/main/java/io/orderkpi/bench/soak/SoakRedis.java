package io.orderkpi.bench.soak;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The soak's key prefix on a Redis server: the server under test writes only under it, the soak
 * reads which of its keys live forever and deletes them all at the end.
 */
final class SoakRedis implements AutoCloseable {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /** A part of a key name made only of digits: an id, a sequence or a time bucket. */
    private static final Pattern NUMBER = Pattern.compile("(?<=[:{])\\d+(?=[:}]|$)");

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String prefix;

    private SoakRedis(RedisClient client, StatefulRedisConnection<String, String> connection, String prefix) {
        this.client = client;
        this.connection = connection;
        this.prefix = prefix;
    }

    static SoakRedis open(String uri) {
        RedisURI redisUri = RedisURI.create(uri);
        redisUri.setTimeout(Duration.ofSeconds(10));
        RedisClient client = RedisClient.create(redisUri);
        try {
            String prefix = "okpi-soak-" + Long.toString(System.currentTimeMillis(), 36) + "-"
                    + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
            return new SoakRedis(client, client.connect(), prefix);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    String prefix() {
        return prefix;
    }

    /**
     * The keys under the prefix that have no time to live, by shape (ids, numbers and dates
     * replaced by {@code <uuid>}, {@code <n>} and {@code <date>}), with how many there are and
     * their memory.
     */
    synchronized Map<String, KeyGroup> keysWithoutTtl() {
        RedisCommands<String, String> redis = connection.sync();
        Map<String, KeyGroup> groups = new TreeMap<>();
        ScanArgs match = ScanArgs.Builder.matches(prefix + ":*").limit(1_000);
        KeyScanCursor<String> cursor = redis.scan(match);
        while (true) {
            for (String key : cursor.getKeys()) {
                if (redis.ttl(key) == -1) {
                    Long bytes = redis.memoryUsage(key);
                    groups.merge(shape(prefix, key), new KeyGroup(1, bytes == null ? 0 : bytes), KeyGroup::plus);
                }
            }
            if (cursor.isFinished()) {
                return groups;
            }
            cursor = redis.scan(ScanCursor.of(cursor.getCursor()), match);
        }
    }

    /** The key without the prefix, its variable parts replaced by what they are. */
    static String shape(String prefix, String key) {
        String name = key.startsWith(prefix + ":") ? key.substring(prefix.length() + 1) : key;
        name = UUID.matcher(name).replaceAll("<uuid>");
        name = DATE.matcher(name).replaceAll("<date>");
        return NUMBER.matcher(name).replaceAll("<n>");
    }

    /** Deletes every key under the prefix; returns how many. */
    synchronized long deleteAll() {
        RedisCommands<String, String> redis = connection.sync();
        ScanArgs match = ScanArgs.Builder.matches(prefix + ":*").limit(1_000);
        long deleted = 0;
        KeyScanCursor<String> cursor = redis.scan(match);
        while (true) {
            List<String> keys = cursor.getKeys();
            if (!keys.isEmpty()) {
                deleted += redis.unlink(keys.toArray(String[]::new));
            }
            if (cursor.isFinished()) {
                return deleted;
            }
            cursor = redis.scan(ScanCursor.of(cursor.getCursor()), match);
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }

    /** Keys of one shape: how many, and their memory as Redis counts it. */
    record KeyGroup(long keys, long bytes) {
        KeyGroup plus(KeyGroup other) {
            return new KeyGroup(keys + other.keys, bytes + other.bytes);
        }
    }
}
