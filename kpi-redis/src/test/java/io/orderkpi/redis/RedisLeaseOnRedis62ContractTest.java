package io.orderkpi.redis;

import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisLease} against {@code LeaseContract} on the bundled Redis 6.2, whatever runs on 6379. */
class RedisLeaseOnRedis62ContractTest extends RedisLeaseContract {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.embedded();

    @Override
    TestRedis redis() {
        return REDIS.redis();
    }
}
