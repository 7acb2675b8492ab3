package io.orderkpi.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.orderkpi.core.spi.KpiStore;
import io.orderkpi.testkit.KpiStoreContract;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisKpiStore} against the contract every KPI store keeps, on the Redis the test kit finds. */
class RedisKpiStoreContractTest extends KpiStoreContract {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.shared();

    private static RedisClient client;
    private static StatefulRedisConnection<String, String> admin;
    private final List<String> prefixes = new ArrayList<>();

    @BeforeAll
    static void connect() {
        client = RedisClient.create(REDIS.redis().uri());
        admin = client.connect();
    }

    @AfterAll
    static void disconnect() {
        admin.close();
        client.shutdown();
    }

    @Override
    protected KpiStore newStore(Duration retention) {
        String prefix = REDIS.redis().newKeyPrefix();
        prefixes.add(prefix);
        return RedisKpiStore.builder().client(client).prefix(prefix).retention(retention).build();
    }

    /** What {@code duration} of the server's clock would do: every TTL of this test's keys lowered by it. */
    @Override
    protected void advanceTime(Duration duration) {
        RedisTime.advance(admin.sync(), REDIS.redis(), prefixes, duration);
    }

    /** Lowers the TTLs of keys under some prefixes, as the contract's Javadoc describes. */
    static final class RedisTime {

        private RedisTime() {
        }

        static void advance(RedisCommands<String, String> redis, TestRedis server, List<String> prefixes, Duration duration) {
            for (String prefix : prefixes) {
                for (String key : server.keys(prefix + ":")) {
                    long ttl = redis.pttl(key);
                    if (ttl < 0) {
                        continue;
                    }
                    long left = ttl - duration.toMillis();
                    if (left <= 0) {
                        redis.del(key);
                    } else {
                        redis.pexpire(key, left);
                    }
                }
            }
        }
    }
}
