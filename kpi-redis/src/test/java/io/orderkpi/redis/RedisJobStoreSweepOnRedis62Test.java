package io.orderkpi.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.testkit.RedisExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pending-list sweep of {@link RedisJobStore} on the bundled Redis 6.2, whose {@code XAUTOCLAIM}
 * hands deleted entries back like live ones (Redis 7 drops them itself): see
 * {@link RedisJobStoreTest#sweepDropsStrayAndDeletedEntries}.
 */
class RedisJobStoreSweepOnRedis62Test {

    @RegisterExtension
    static final RedisExtension EMBEDDED = RedisExtension.embedded();

    private final List<RedisJobStore> stores = new ArrayList<>();

    @AfterEach
    void close() {
        stores.forEach(RedisJobStore::close);
    }

    @Test
    void theSweepDropsStrayAndDeletedPendingEntriesAndKeepsRunningJobs() {
        assertThat(EMBEDDED.redis().serverInfo("redis_version")).startsWith("6.2");

        RedisJobStoreTest.sweepDropsStrayAndDeletedEntries(EMBEDDED.redis(), stores);
    }
}
