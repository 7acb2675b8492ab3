package io.orderkpi.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import io.orderkpi.core.spi.LeaseGrant;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestTags;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@link RedisLease} does beyond the contract: its keys, and holders and names of any text. */
@Tag(TestTags.LOCATED_SERVER)
class RedisLeaseTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.shared();

    private static final Duration LONG = Duration.ofMinutes(1);

    @Test
    void holdersWithSpacesAndNamesWithBracesKeepTheirLeaseInOneSlot() {
        String prefix = REDIS.redis().newKeyPrefix();
        try (RedisLease lease = RedisLease.builder().uri(REDIS.redis().uri()).prefix(prefix).build()) {
            LeaseGrant grant = lease.acquire("outbox:{a}b}", "host 7 pid 42", LONG).orElseThrow();

            assertThat(lease.current("outbox:{a}b}")).contains(grant);
            assertThat(lease.acquire("outbox:{a}b}", "host 7", LONG)).as("a holder that is a prefix of it").isEmpty();
            assertThat(lease.renew(new LeaseGrant("outbox:{a}b}", "host 7 pid 4", grant.token()), LONG)).isFalse();
            assertThat(lease.renew(grant, LONG)).isTrue();
            List<String> keys = REDIS.redis().keys(prefix + ":");
            assertThat(keys).hasSize(2);
            Set<Integer> slots = keys.stream().map(SlotHash::getSlot).collect(Collectors.toSet());
            assertThat(slots).hasSize(1);
            assertThat(lease.release(grant)).isTrue();
            assertThat(lease.current("outbox:{a}b}")).isEqualTo(Optional.empty());
        }
    }

    @Test
    void theTokenCounterHasNoTtlSoTokensOutliveTheLease() {
        String prefix = REDIS.redis().newKeyPrefix();
        try (RedisLease lease = RedisLease.builder().uri(REDIS.redis().uri()).prefix(prefix).build()) {
            LeaseGrant grant = lease.acquire("outbox:analytics", "process-a", LONG).orElseThrow();

            assertThat((Long) REDIS.redis().command("PTTL", prefix + ":{lease:outbox:analytics}")).isBetween(1L, LONG.toMillis());
            assertThat(REDIS.redis().command("PTTL", prefix + ":{lease:outbox:analytics}:token")).isEqualTo(-1L);
            assertThat(REDIS.redis().command("GET", prefix + ":{lease:outbox:analytics}:token"))
                    .isEqualTo(Long.toString(grant.token()));
        }
    }
}
