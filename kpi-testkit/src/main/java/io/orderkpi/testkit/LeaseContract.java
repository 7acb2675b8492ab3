package io.orderkpi.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.spi.Lease;
import io.orderkpi.core.spi.LeaseGrant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Lease} as tests: every adapter (memory, MySQL, Redis, a user's) passes
 * them all. An adapter's test subclasses this class and says how to reach a fresh back-end:
 *
 * <pre>{@code
 * class RedisLeaseContractTest extends LeaseContract {
 *     @Override
 *     protected Lease newLease() {
 *         return new RedisLease(client, "test:" + UUID.randomUUID() + ":");
 *     }
 *
 *     @Override
 *     protected Lease anotherProcess(Lease lease) {
 *         return new RedisLease(secondClient, ((RedisLease) lease).prefix());
 *     }
 * }
 * }</pre>
 *
 * <p>Expiry is real time here (a Redis or MySQL lease cannot be told another time), so those
 * tests take leases of a few hundred milliseconds and wait for them with a bound; every other
 * lease lasts a minute, far longer than any test.
 */
public abstract class LeaseContract {

    private static final Duration LONG = Duration.ofMinutes(1);
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A lease on a fresh back-end (or a fresh key prefix) that shares nothing with other tests. */
    protected abstract Lease newLease();

    /**
     * A second client of the same back-end, as another process would have. The default returns
     * the same object, which is right for the memory lease; a networked adapter should return a
     * new connection.
     */
    protected Lease anotherProcess(Lease lease) {
        return lease;
    }

    private LeaseGrant acquired(Lease lease, String name, String holder, Duration duration) {
        Optional<LeaseGrant> grant = lease.acquire(name, holder, duration);
        assertThat(grant).as("%s acquires %s", holder, name).isPresent();
        return grant.orElseThrow();
    }

    @Test
    void aFreeLeaseGoesToTheFirstHolderAndNotToASecond() {
        Lease one = newLease();
        Lease two = anotherProcess(one);

        LeaseGrant grant = acquired(one, "outbox:analytics", "process-a", LONG);

        assertThat(grant.name()).isEqualTo("outbox:analytics");
        assertThat(grant.holder()).isEqualTo("process-a");
        assertThat(grant.token()).isPositive();
        assertThat(two.acquire("outbox:analytics", "process-b", LONG)).isEmpty();
        assertThat(two.current("outbox:analytics")).contains(grant);
        assertThat(two.acquire("outbox:notifications", "process-b", LONG)).isPresent();
    }

    @Test
    void theHolderAcquiringAgainRenewsAndKeepsItsToken() {
        Lease lease = newLease();
        LeaseGrant first = acquired(lease, "outbox:analytics", "process-a", LONG);

        LeaseGrant again = acquired(lease, "outbox:analytics", "process-a", LONG);

        assertThat(again).isEqualTo(first);
        assertThat(lease.renew(first, LONG)).isTrue();
    }

    @Test
    void onlyTheHolderReleasesAndAReleasedLeaseGoesToAnotherWithAGreaterToken() {
        Lease one = newLease();
        Lease two = anotherProcess(one);
        LeaseGrant grant = acquired(one, "outbox:analytics", "process-a", LONG);
        LeaseGrant forged = new LeaseGrant("outbox:analytics", "process-b", grant.token());

        assertThat(two.release(forged)).isFalse();
        assertThat(two.current("outbox:analytics")).contains(grant);

        assertThat(one.release(grant)).isTrue();
        assertThat(one.release(grant)).isFalse();
        assertThat(one.current("outbox:analytics")).isEmpty();
        LeaseGrant next = acquired(two, "outbox:analytics", "process-b", LONG);
        assertThat(next.token()).isGreaterThan(grant.token());
        assertThat(one.renew(grant, LONG)).as("the old grant renews nothing").isFalse();
        assertThat(two.current("outbox:analytics")).contains(next);
    }

    @Test
    void tokensGrowWithEveryNewAcquisitionEvenByTheSameHolder() {
        Lease lease = newLease();
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            LeaseGrant grant = acquired(lease, "outbox:analytics", i % 2 == 0 ? "process-a" : "process-b", LONG);
            tokens.add(grant.token());
            assertThat(lease.release(grant)).isTrue();
        }

        assertThat(tokens).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aBackEndStartedAfreshNeverIssuesATokenBelowOneIssuedBefore() {
        // A restart that lost the lease data (a memory lease, Redis without persistence) must not
        // hand out tokens the outbox already refuses.
        LeaseGrant before = acquired(newLease(), "outbox:analytics", "process-a", LONG);

        LeaseGrant after = acquired(newLease(), "outbox:analytics", "process-b", LONG);

        assertThat(after.token()).isGreaterThan(before.token());
    }

    @Test
    void anExpiredLeaseGoesToAnotherHolderAndTheOldGrantCanNeitherRenewNorRelease() {
        Lease one = newLease();
        Lease two = anotherProcess(one);
        LeaseGrant stale = acquired(one, "outbox:analytics", "process-a", SHORT);

        LeaseGrant taken = await().atMost(WAIT).until(() -> two.acquire("outbox:analytics", "process-b", LONG),
                Optional::isPresent).orElseThrow();

        assertThat(taken.token()).isGreaterThan(stale.token());
        assertThat(one.renew(stale, LONG)).isFalse();
        assertThat(one.release(stale)).isFalse();
        assertThat(one.current("outbox:analytics")).contains(taken);
        assertThat(one.acquire("outbox:analytics", "process-a", LONG)).isEmpty();
    }

    @Test
    void anExpiredLeaseNobodyTookCannotBeRenewed() {
        Lease lease = newLease();
        LeaseGrant grant = acquired(lease, "outbox:analytics", "process-a", SHORT);

        await().atMost(WAIT).until(() -> lease.current("outbox:analytics").isEmpty());

        assertThat(lease.renew(grant, LONG)).isFalse();
        assertThat(acquired(lease, "outbox:analytics", "process-a", LONG).token()).isGreaterThan(grant.token());
    }

    @Test
    void renewingKeepsTheLeaseBeyondItsFirstDuration() {
        Lease one = newLease();
        Lease two = anotherProcess(one);
        LeaseGrant grant = acquired(one, "outbox:analytics", "process-a", SHORT);

        assertThat(one.renew(grant, LONG)).isTrue();

        // Past the first duration: still held, since the renewal counts from its own call.
        await().pollDelay(SHORT.multipliedBy(2)).atMost(WAIT)
                .untilAsserted(() -> assertThat(two.current("outbox:analytics")).contains(grant));
        assertThat(two.acquire("outbox:analytics", "process-b", LONG)).isEmpty();
    }

    @Test
    void exactlyOneOfManyConcurrentHoldersGetsAFreeLease() throws Exception {
        Lease lease = newLease();
        int holders = 8;
        CyclicBarrier start = new CyclicBarrier(holders);
        ExecutorService threads = Executors.newFixedThreadPool(holders);
        try {
            List<Future<Optional<LeaseGrant>>> results = new ArrayList<>();
            for (int i = 0; i < holders; i++) {
                Lease client = anotherProcess(lease);
                String holder = "process-" + i;
                results.add(threads.submit(() -> {
                    start.await(10, SECONDS);
                    return client.acquire("outbox:analytics", holder, LONG);
                }));
            }
            List<LeaseGrant> granted = new ArrayList<>();
            for (Future<Optional<LeaseGrant>> result : results) {
                result.get(10, SECONDS).ifPresent(granted::add);
            }

            assertThat(granted).hasSize(1);
            assertThat(lease.current("outbox:analytics")).contains(granted.get(0));
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void namesAndHoldersUpToTheirLimitsAreTakenAndLongerOnesRefused() {
        Lease lease = newLease();
        String longestName = "n".repeat(Lease.MAX_NAME_LENGTH);
        String longestHolder = "h".repeat(Lease.MAX_HOLDER_LENGTH);

        assertThat(lease.acquire(longestName, longestHolder, LONG)).isPresent();
        assertThat(lease.acquire("a", "b", LONG)).isPresent();
        assertThatThrownBy(() -> lease.acquire(longestName + "n", "process-a", LONG))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name")
                .hasMessageContaining(String.valueOf(Lease.MAX_NAME_LENGTH));
        assertThatThrownBy(() -> lease.acquire("outbox:x", longestHolder + "h", LONG))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holder");
        assertThatThrownBy(() -> lease.acquire(" ", "process-a", LONG))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> lease.acquire("outbox:x", "", LONG))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holder");
    }

    @Test
    void aDurationMustBePositive() {
        Lease lease = newLease();

        assertThatThrownBy(() -> lease.acquire("outbox:x", "process-a", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration");
        assertThatThrownBy(() -> lease.acquire("outbox:x", "process-a", Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration");
        LeaseGrant grant = acquired(lease, "outbox:x", "process-a", Duration.ofMillis(1).plus(LONG));
        assertThatThrownBy(() -> lease.renew(grant, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
