package io.orderkpi.redis;

import io.orderkpi.core.spi.JobStore;
import io.orderkpi.testkit.JobStoreContract;
import io.orderkpi.testkit.RedisExtension;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisJobStore} against {@code JobStoreContract} on the bundled Redis 6.2, whatever runs on 6379. */
class RedisJobStoreOnRedis62ContractTest extends JobStoreContract {

    @RegisterExtension
    static final RedisExtension EMBEDDED = RedisExtension.embedded();

    @Override
    protected JobStore newStore(Clock clock) {
        return RedisJobStoreContractTest.open(EMBEDDED.redis(), clock);
    }
}
