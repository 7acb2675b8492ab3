package io.orderkpi.redis;

import io.orderkpi.core.spi.KpiStore;
import io.orderkpi.testkit.KpiStoreContract;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestTags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisKpiStore} against the contract every KPI store keeps, on the Redis the test kit finds. */
@Tag(TestTags.LOCATED_SERVER)
class RedisKpiStoreContractTest extends KpiStoreContract {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.shared();

    private static Lettuce lettuce;
    private final List<String> prefixes = new ArrayList<>();

    @BeforeAll
    static void connect() {
        lettuce = Lettuce.connect(REDIS.redis());
    }

    @AfterAll
    static void disconnect() {
        lettuce.close();
    }

    @Override
    protected KpiStore newStore(Duration retention) {
        String prefix = REDIS.redis().newKeyPrefix();
        prefixes.add(prefix);
        return RedisKpiStore.builder().client(lettuce.client()).prefix(prefix).retention(retention).build();
    }

    /** Every TTL of this test's keys lowered by {@code duration}, as the contract's Javadoc describes. */
    @Override
    protected void advanceTime(Duration duration) {
        lettuce.advanceTime(prefixes, duration);
    }
}
