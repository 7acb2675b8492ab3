package io.orderkpi.redis;

import io.orderkpi.core.spi.Lease;
import io.orderkpi.testkit.LeaseContract;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestRedis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisLease} against the contract every lease keeps, on the Redis the test kit finds.
 * Each lease is a fresh prefix, as a Redis that lost its data would be, and its "other process" a
 * lease with a connection of its own.
 */
class RedisLeaseContractTest extends LeaseContract {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.shared();

    /** The same contract on the bundled Redis 6.2, whatever runs on 6379. */
    static class OnEmbeddedRedis62 extends LeaseContract {

        @RegisterExtension
        static final RedisExtension EMBEDDED = RedisExtension.embedded();

        private final List<RedisLease> leases = new ArrayList<>();

        @AfterEach
        void close() {
            leases.forEach(RedisLease::close);
        }

        @Override
        protected Lease newLease() {
            return open(leases, EMBEDDED.redis(), EMBEDDED.redis().newKeyPrefix());
        }

        @Override
        protected Lease anotherProcess(Lease lease) {
            return open(leases, EMBEDDED.redis(), ((RedisLease) lease).prefix());
        }
    }

    private final List<RedisLease> leases = new ArrayList<>();

    @AfterEach
    void close() {
        leases.forEach(RedisLease::close);
    }

    @Override
    protected Lease newLease() {
        return open(leases, REDIS.redis(), REDIS.redis().newKeyPrefix());
    }

    @Override
    protected Lease anotherProcess(Lease lease) {
        return open(leases, REDIS.redis(), ((RedisLease) lease).prefix());
    }

    static RedisLease open(List<RedisLease> leases, TestRedis redis, String prefix) {
        RedisLease lease = RedisLease.builder().uri(redis.uri()).prefix(prefix).build();
        leases.add(lease);
        return lease;
    }
}
