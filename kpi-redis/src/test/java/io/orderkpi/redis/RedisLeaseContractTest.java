package io.orderkpi.redis;

import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestTags;
import io.orderkpi.testkit.TestRedis;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisLease} against {@code LeaseContract} on the Redis the test kit finds (Redis 7 on the development machines). */
@Tag(TestTags.LOCATED_SERVER)
class RedisLeaseContractTest extends RedisLeaseContract {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.shared();

    @Override
    TestRedis redis() {
        return REDIS.redis();
    }
}
