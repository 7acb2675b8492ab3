package io.orderkpi.redis;

import io.orderkpi.core.spi.JobStore;
import io.orderkpi.testkit.JobStoreContract;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestTags;
import io.orderkpi.testkit.TestRedis;
import java.time.Clock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisJobStore} against the contract every job store keeps, two engines sharing one store
 * included, on the Redis the test kit finds (Redis 7 here); {@link RedisJobStoreOnRedis62ContractTest}
 * runs it on the bundled Redis 6.2, since the two differ on deleted entries in {@code XAUTOCLAIM}.
 * Each store is a fresh key prefix.
 */
@Tag(TestTags.LOCATED_SERVER)
class RedisJobStoreContractTest extends JobStoreContract {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.shared();

    @Override
    protected JobStore newStore(Clock clock) {
        return open(REDIS.redis(), clock);
    }

    static JobStore open(TestRedis redis, Clock clock) {
        return RedisJobStore.builder().uri(redis.uri()).prefix(redis.newKeyPrefix()).clock(clock).build();
    }
}
