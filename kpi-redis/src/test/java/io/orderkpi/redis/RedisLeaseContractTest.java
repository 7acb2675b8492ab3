package io.orderkpi.redis;

import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestRedis;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisLease} against {@code LeaseContract} on the Redis the test kit finds (Redis 7 on the development machines). */
class RedisLeaseContractTest extends RedisLeaseContract {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.shared();

    @Override
    TestRedis redis() {
        return REDIS.redis();
    }
}
