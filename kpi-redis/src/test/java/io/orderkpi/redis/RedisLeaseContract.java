package io.orderkpi.redis;

import io.orderkpi.core.spi.Lease;
import io.orderkpi.testkit.LeaseContract;
import io.orderkpi.testkit.TestRedis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * {@link RedisLease} against the contract every lease keeps, on the Redis the test kit finds and
 * on the bundled Redis 6.2 ({@link RedisLeaseContractTest}, {@link RedisLeaseOnRedis62ContractTest}). Each lease is a fresh prefix, as a Redis that lost its data would be,
 * and its "other process" a lease with a connection of its own.
 */
abstract class RedisLeaseContract extends LeaseContract {

    private final List<RedisLease> leases = new ArrayList<>();

    /** The server of the concrete class. */
    abstract TestRedis redis();

    @AfterEach
    void close() {
        leases.forEach(RedisLease::close);
    }

    @Override
    protected Lease newLease() {
        return open(redis().newKeyPrefix());
    }

    @Override
    protected Lease anotherProcess(Lease lease) {
        return open(((RedisLease) lease).prefix());
    }

    private RedisLease open(String prefix) {
        RedisLease lease = RedisLease.builder().uri(redis().uri()).prefix(prefix).build();
        leases.add(lease);
        return lease;
    }
}
