package io.orderkpi.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.cluster.SlotHash;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.queue.ClaimedJob;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueStats;
import io.orderkpi.core.worker.WorkerEngine;
import io.orderkpi.testkit.MutableClock;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestTags;
import io.orderkpi.testkit.TestRedis;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@link RedisJobStore} does beyond the contract: its Redis layout (the stream's pending list
 * swept of stray and deleted entries; {@link RedisJobStoreSweepOnRedis62Test} runs the same on Redis
 * 6.2, whose {@code XAUTOCLAIM} treats deleted entries differently), TTLs, bounded bookkeeping, the
 * server's clock and one hash slot.
 */
@Tag(TestTags.LOCATED_SERVER)
class RedisJobStoreTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.shared();

    private static final String QUEUE = "order-processing";
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final MutableClock clock = MutableClock.at("2026-01-05T09:00:00Z");
    private final List<RedisJobStore> stores = new ArrayList<>();

    @AfterEach
    void close() {
        stores.forEach(RedisJobStore::close);
    }

    @Test
    void theSweepDropsStrayAndDeletedPendingEntriesAndKeepsRunningJobs() {
        sweepDropsStrayAndDeletedEntries(REDIS.redis(), stores);
    }

    /**
     * Entries a trim or a lost job leaves in the group's pending list: one whose job does not
     * exist, one deleted from the stream while pending (Redis 7's XAUTOCLAIM lists it apart and
     * drops it itself, 6.2's hands its id back like any other). The reclaim sweep drops both, and
     * leaves the entry of a running job alone.
     */
    static void sweepDropsStrayAndDeletedEntries(TestRedis redis, List<RedisJobStore> stores) {
        MutableClock clock = MutableClock.at("2026-01-05T09:00:00Z");
        String prefix = redis.newKeyPrefix();
        RedisJobStore store = RedisJobStore.builder().uri(redis.uri()).prefix(prefix).clock(clock)
                .strayIdle(Duration.ofMillis(1)).build();
        stores.add(store);
        String stream = prefix + ":{jobs}:q:" + QUEUE + ":stream";
        store.enqueue(JobRequest.of(QUEUE, "t", "live"));
        ClaimedJob live = store.claim(QUEUE, "consumer-a", 1, LEASE).get(0);
        redis.command("XADD", stream, "*", "id", UUID.randomUUID().toString());
        String deleted = String.valueOf(redis.command("XADD", stream, "*", "id", UUID.randomUUID().toString()));
        redis.command("XREADGROUP", "GROUP", JobScript.GROUP, "ghost", "COUNT", "10", "STREAMS", stream, ">");
        redis.command("XDEL", stream, deleted);
        assertThat(pendingCount(redis, stream)).isEqualTo(3);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(store.reclaimExpired(QUEUE, 3)).as("no lease expired").isZero();
            assertThat(pendingCount(redis, stream)).isEqualTo(1);
        });

        assertThat(store.stats().get(QUEUE).running()).isEqualTo(1);
        assertThat(store.extend(live, LEASE)).isPresent();
        assertThat(store.ack(live)).isTrue();
        assertThat(pendingCount(redis, stream)).isZero();
        assertThat(redis.command("XLEN", stream)).as("acked entries are deleted").isEqualTo(0L);
        assertThat(store.stats().get(QUEUE)).satisfies(stats -> {
            assertThat(stats.pending()).isZero();
            assertThat(stats.completed()).isEqualTo(1);
        });
    }

    private static long pendingCount(TestRedis redis, String stream) {
        List<?> summary = (List<?>) redis.command("XPENDING", stream, JobScript.GROUP);
        return (Long) summary.get(0);
    }

    @Test
    void everyKeyOfTheStoreSharesOneHashSlot() {
        String prefix = REDIS.redis().newKeyPrefix();
        RedisJobStore store = store(prefix);
        store.pause("refunds");
        store.enqueue(JobRequest.of(QUEUE, "t", "a").withDedupKey("process:1"));
        store.enqueue(JobRequest.of("notifications", "t", "b"));
        ClaimedJob first = store.claim(QUEUE, "consumer-a", 1, LEASE).get(0);
        store.release(first, Duration.ofMinutes(1), true);
        store.fail(store.claim("notifications", "consumer-a", 1, LEASE).get(0), "boom");
        store.enqueue(JobRequest.of(QUEUE, "t", "c"));
        store.ack(store.claim(QUEUE, "consumer-a", 1, LEASE).get(0));

        List<String> keys = REDIS.redis().keys(prefix + ":");

        assertThat(keys).hasSizeGreaterThan(10);
        Set<Integer> slots = keys.stream().map(SlotHash::getSlot).collect(Collectors.toSet());
        assertThat(slots).containsExactly(SlotHash.getSlot("{jobs}"));
    }

    @Test
    void dedupKeysAndBookkeepingHaveTtlsAndTheWaitSampleKeepsTheLatestThousand() {
        String prefix = REDIS.redis().newKeyPrefix();
        RedisJobStore store = RedisJobStore.builder().uri(REDIS.redis().uri()).prefix(prefix).clock(clock)
                .dedupTtl(Duration.ofHours(1)).build();
        stores.add(store);
        String base = prefix + ":{jobs}:";
        store.enqueue(JobRequest.of(QUEUE, "t", "keyed").withDedupKey("process:9"));
        assertThat((Long) REDIS.redis().command("PTTL", base + "dedup:process:9")).isBetween(1L, 3_600_000L);

        for (int i = 0; i < 1_000; i++) {
            store.enqueue(JobRequest.of(QUEUE, "t", "job-" + i));
        }
        clock.advance(Duration.ofMillis(40));
        store.claim(QUEUE, "consumer-a", 1_001, LEASE).forEach(store::ack);
        assertThat(REDIS.redis().command("LLEN", base + "q:" + QUEUE + ":waits")).isEqualTo(1_000L);
        for (int i = 0; i < 600; i++) {
            store.enqueue(JobRequest.of(QUEUE, "t", "later-" + i));
        }
        clock.advance(Duration.ofMillis(100));
        store.claim(QUEUE, "consumer-a", 600, LEASE).forEach(store::ack);

        assertThat(REDIS.redis().command("LLEN", base + "q:" + QUEUE + ":waits")).as("capped").isEqualTo(1_000L);
        QueueStats stats = store.stats().get(QUEUE);
        assertThat(stats.completed()).isEqualTo(1_601);
        assertThat(stats.throughputPerMinute()).isEqualTo(1_601);
        // 400 waits of 40 ms and 600 of 100 ms: the 601 older waits of 40 ms were dropped.
        assertThat(stats.waitP50Millis()).isEqualTo(100);
        assertThat(stats.waitP95Millis()).isEqualTo(100);
        for (String key : REDIS.redis().keys(base)) {
            if (key.contains(":waits") || key.contains(":done:") || key.startsWith(base + "dedup:")) {
                assertThat((Long) REDIS.redis().command("PTTL", key)).as("TTL of %s", key).isPositive();
            }
        }
    }

    @Test
    void withoutAClockTheStoreRunsOnTheServersTime() {
        RedisJobStore store = RedisJobStore.builder().uri(REDIS.redis().uri()).prefix(REDIS.redis().newKeyPrefix()).build();
        stores.add(store);
        store.enqueue(JobRequest.of(QUEUE, "t", "p"));

        ClaimedJob claim = store.claim(QUEUE, "consumer-a", 1, LEASE).get(0);

        List<?> time = (List<?>) REDIS.redis().command("TIME");
        Instant server = Instant.ofEpochSecond(Long.parseLong(String.valueOf(time.get(0))));
        assertThat(claim.leaseUntil()).isBetween(server.plus(LEASE).minusSeconds(5), server.plus(LEASE).plusSeconds(5));
        assertThat(claim.job().enqueuedAt()).isBetween(server.minusSeconds(5), server.plusSeconds(5));
    }

    @Test
    void aQueueThatWasOnlyPausedStaysListedAfterItsResume() {
        RedisJobStore store = store(REDIS.redis().newKeyPrefix());

        store.pause("refunds");
        assertThat(store.stats().get("refunds").paused()).isTrue();
        store.resume("refunds");

        assertThat(store.stats().get("refunds")).satisfies(stats -> {
            assertThat(stats.paused()).isFalse();
            assertThat(stats.pending()).isZero();
        });
    }

    @Test
    void aDelayedJobWhoseHashVanishedIsDroppedWhenDue() {
        String prefix = REDIS.redis().newKeyPrefix();
        RedisJobStore store = store(prefix);
        UUID lost = store.enqueue(JobRequest.of(QUEUE, "t", "lost"));
        store.release(store.claim(QUEUE, "consumer-a", 1, LEASE).get(0), Duration.ofSeconds(5), true);
        UUID kept = store.enqueue(JobRequest.of(QUEUE, "t", "kept"));
        // As a partial loss of Redis data would leave it.
        REDIS.redis().command("DEL", prefix + ":{jobs}:job:" + lost);
        clock.advance(Duration.ofSeconds(5));

        assertThat(store.claim(QUEUE, "consumer-a", 5, LEASE)).extracting(c -> c.job().id()).containsExactly(kept);
        assertThat(REDIS.redis().command("ZCARD", prefix + ":{jobs}:q:" + QUEUE + ":delayed")).isEqualTo(0L);
    }

    @Test
    void aRedisThatCannotBeReachedIsReportedUnavailableNamingItsAddress() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RedisJobStore store = RedisJobStore.builder().uri("redis://:secret@127.0.0.1:" + port)
                .commandTimeout(Duration.ofMillis(500)).build();
        stores.add(store);

        assertThatThrownBy(() -> store.enqueue(JobRequest.of(QUEUE, "t", "p")))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("Redis at 127.0.0.1:" + port)
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> store.claim(QUEUE, "consumer-a", 1, LEASE)).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void anEmptyDedupKeyIsAKeyLikeAnyOther() {
        RedisJobStore store = store(REDIS.redis().newKeyPrefix());
        UUID first = store.enqueue(JobRequest.of(QUEUE, "t", "a").withDedupKey(""));

        assertThat(store.enqueue(JobRequest.of(QUEUE, "t", "b").withDedupKey(""))).isEqualTo(first);
        assertThat(store.enqueue(JobRequest.of(QUEUE, "t", "c"))).as("no key").isNotEqualTo(first);

        assertThat(store.ack(store.claim(QUEUE, "consumer-a", 1, LEASE).get(0))).isTrue();
        assertThat(store.enqueue(JobRequest.of(QUEUE, "t", "d").withDedupKey(""))).as("freed by the ack").isNotEqualTo(first);
    }

    @Test
    void twoStoresOnOnePrefixAsTwoProcessesShareTheWorkOnTheServersClock() {
        String prefix = REDIS.redis().newKeyPrefix();
        RedisJobStore one = RedisJobStore.builder().uri(REDIS.redis().uri()).prefix(prefix).build();
        RedisJobStore two = RedisJobStore.builder().uri(REDIS.redis().uri()).prefix(prefix).build();
        stores.add(one);
        stores.add(two);
        Queue<UUID> handled = new ConcurrentLinkedQueue<>();
        Set<String> consumers = ConcurrentHashMap.newKeySet();
        List<UUID> enqueued = new ArrayList<>();
        try (WorkerEngine a = engine(one, "process-a", handled, consumers);
                WorkerEngine b = engine(two, "process-b", handled, consumers)) {
            for (int i = 0; i < 1_000; i++) {
                enqueued.add((i % 2 == 0 ? a : b).enqueue(JobRequest.of(QUEUE, "t", "job-" + i)));
            }

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(one.stats().get(QUEUE).completed())
                    .isEqualTo(1_000));
        }
        assertThat(handled).as("each job once").hasSize(1_000).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(enqueued);
        assertThat(consumers).as("both processes worked").containsExactlyInAnyOrder("process-a", "process-b");
        assertThat(one.stats()).isEqualTo(two.stats());
        assertThat(one.stats().get(QUEUE)).satisfies(stats -> {
            assertThat(stats.pending()).isZero();
            assertThat(stats.running()).isZero();
            assertThat(stats.throughputPerMinute()).isEqualTo(1_000);
        });
    }

    private static WorkerEngine engine(RedisJobStore store, String consumer, Queue<UUID> handled, Set<String> consumers) {
        WorkerEngine engine = WorkerEngine.builder(store).clock(store.clock()).consumerId(consumer)
                .pollInterval(Duration.ofMillis(5)).build();
        engine.register("t", job -> {
            handled.add(job.id());
            consumers.add(consumer);
        });
        engine.start(Map.of(QUEUE, 2));
        return engine;
    }

    @Test
    void theBuilderRefusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> RedisJobStore.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one of uri and client");
        assertThatThrownBy(() -> RedisJobStore.builder().prefix("a{b}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'{'");
        assertThatThrownBy(() -> RedisJobStore.builder().dedupTtl(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dedup TTL");
        assertThatThrownBy(() -> RedisJobStore.builder().strayIdle(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stray idle");
        assertThat(RedisJobStore.builder().uri(REDIS.redis().uri()).prefix("x".repeat(64)).dedupTtl(Duration.ofMillis(1))
                .strayIdle(Duration.ofMillis(1)).build()).satisfies(store -> {
                    assertThat(store.prefix()).hasSize(64);
                    store.close();
                });
    }

    private RedisJobStore store(String prefix) {
        RedisJobStore store = RedisJobStore.builder().uri(REDIS.redis().uri()).prefix(prefix).clock(clock).build();
        stores.add(store);
        return store;
    }
}
