package io.orderkpi.redis;

import static io.orderkpi.core.kpi.KpiFact.completed;
import static io.orderkpi.core.kpi.KpiFact.failed;
import static io.orderkpi.core.kpi.KpiFact.refund;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.DayRebuild;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.kpi.LeaderboardEntry;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestTags;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the Redis store adds to the contract: its layout, its limits, and several instances on one Redis. */
@Tag(TestTags.LOCATED_SERVER)
class RedisKpiStoreTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.shared();

    private static final LocalDate DAY = LocalDate.of(2025, 11, 16);
    private static final Duration RETENTION = Duration.ofDays(30);
    /** A store's own client connects within its command timeout; a loaded build machine needs more than 2 s. */
    private static final Duration PATIENT = Duration.ofSeconds(10);

    private static Lettuce lettuce;
    private static RedisClient client;
    private final List<RedisKpiStore> opened = new ArrayList<>();
    private String prefix;
    private RedisKpiStore store;

    @BeforeAll
    static void connect() {
        lettuce = Lettuce.connect(REDIS.redis());
        client = lettuce.client();
    }

    @AfterAll
    static void disconnect() {
        lettuce.close();
    }

    @BeforeEach
    void openStore() {
        prefix = REDIS.redis().newKeyPrefix();
        store = open(RedisKpiStore.builder().client(client).prefix(prefix).retention(RETENTION));
    }

    @AfterEach
    void closeStores() {
        opened.forEach(RedisKpiStore::close);
    }

    private RedisKpiStore open(RedisKpiStore.Builder builder) {
        RedisKpiStore opening = builder.build();
        opened.add(opening);
        return opening;
    }

    private RedisCommands<String, String> redis() {
        return lettuce.redis();
    }

    @Test
    void everyKeyOfADayCarriesTheDayAsHashTagAndTheRetentionAsTtl() {
        store.applyAll(List.of(completed(1, DAY, "alice", 1_000), refund("r-1", DAY, "alice", 100),
                failed(2, DAY.plusDays(1), "bob")));
        store.setZone(ZoneId.of("Europe/Berlin"));

        String day = prefix + ":{2025-11-16}:";
        String nextDay = prefix + ":{2025-11-17}:";
        assertThat(REDIS.redis().keys(prefix + ":")).containsExactlyInAnyOrder(day + "kpi", day + "cust", day + "lb",
                day + "applied", nextDay + "kpi", nextDay + "applied", prefix + ":zone");
        for (String key : REDIS.redis().keys(prefix + ":{")) {
            assertThat(redis().pttl(key)).as(key)
                    .isBetween(RETENTION.minusMinutes(1).toMillis(), RETENTION.toMillis());
        }
        assertThat(redis().pttl(prefix + ":zone")).isEqualTo(-1);
        assertThat(redis().hgetall(day + "kpi")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "gross", "1000", "refunds", "100", "success", "1", "failed", "0", "customers", "1"));
        assertThat(redis().zscore(day + "lb", "alice")).isEqualTo(-900.0);
        assertThat(redis().smembers(day + "applied")).containsExactlyInAnyOrder("order:1:completed", "refund:r-1");
    }

    @Test
    void aReplacedDayLeavesNoTemporaryKeysAndGetsTheRetentionAsTtl() {
        store.apply(completed(1, DAY, "alice", 1_000));
        redis().pexpire(prefix + ":{2025-11-16}:kpi", 5_000);

        store.replaceDay(DayRebuild.of(DAY, List.of(completed(2, DAY, "bob", 2_000), refund("r-9", DAY, "carol", 50))));

        String day = prefix + ":{2025-11-16}:";
        assertThat(REDIS.redis().keys(prefix + ":")).containsExactlyInAnyOrder(day + "kpi", day + "cust", day + "lb",
                day + "applied");
        for (String key : REDIS.redis().keys(prefix + ":")) {
            assertThat(redis().pttl(key)).as(key).isGreaterThan(RETENTION.minusMinutes(1).toMillis());
        }
        // A refund-only customer keeps a (positive) score so that later facts add up, unlisted.
        assertThat(redis().zscore(day + "lb", "carol")).isEqualTo(50.0);
        assertThat(store.leaderboard(DAY, 10)).containsExactly(new LeaderboardEntry(1, "bob", 2_000));
    }

    @Test
    void leaderboardTiesFollowByteOrderForIdsDifferingInCaseAndPunctuation() {
        List<String> ids = List.of("bob", "Bob", "BOB", "bob-1", "bob.1", "bob_1", "bob1", "-bob", ".bob", "_bob",
                "0bob", "b", "bo", "bob-", "Bob_", "bob~");
        List<KpiFact> facts = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            facts.add(completed(i, DAY, ids.get(i), 1_000));
        }
        facts.add(completed(100, DAY, "zz", 1_001));
        Collections.shuffle(facts, new Random(7));
        store.applyAll(facts);

        List<String> expected = new ArrayList<>(ids);
        expected.sort(LeaderboardEntry::compareCustomerIds);
        expected.add(0, "zz");
        assertThat(store.leaderboard(DAY, 100)).extracting(LeaderboardEntry::customerId).containsExactlyElementsOf(expected);
        // Byte order spelled out: '-' 2D < '.' 2E < '0' 30 < 'B' 42 < '_' 5F < 'b' 62 < '~' 7E.
        assertThat(expected).containsSubsequence("zz", "-bob", ".bob", "0bob", "BOB", "Bob", "Bob_", "_bob", "b", "bo",
                "bob", "bob-", "bob-1", "bob.1", "bob1", "bob_1", "bob~");
        for (int i = 0; i < expected.size(); i++) {
            assertThat(store.rank(DAY, expected.get(i))).map(LeaderboardEntry::rank).contains(i + 1);
        }
    }

    @Test
    void twoStoreInstancesOnTheSameKeysApplyConcurrentDuplicatesOnce() throws Exception {
        RedisClient otherClient = RedisClient.create(REDIS.redis().uri());
        try {
            RedisKpiStore other = RedisKpiStore.builder().client(otherClient).prefix(prefix).retention(RETENTION).build();
            List<KpiFact> facts = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                LocalDate day = DAY.plusDays(i % 3);
                facts.add(switch (i % 7) {
                    case 5 -> refund("r-" + i, day, "c" + (i % 40), 10);
                    case 6 -> failed(i, day, "c" + (i % 40));
                    default -> completed(i, day, "c" + (i % 40), 1_000 + i);
                });
            }
            CyclicBarrier start = new CyclicBarrier(4);
            List<Callable<Integer>> writers = new ArrayList<>();
            for (RedisKpiStore writer : List.of(store, other, store, other)) {
                writers.add(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    int applied = 0;
                    for (int from = 0; from < facts.size(); from += 25) {
                        applied += writer.applyAll(facts.subList(from, Math.min(facts.size(), from + 25)));
                    }
                    return applied;
                });
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            int applied = 0;
            try {
                for (Future<Integer> result : pool.invokeAll(writers, 60, TimeUnit.SECONDS)) {
                    applied += result.get();
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(applied).isEqualTo(facts.size());
            for (int d = 0; d < 3; d++) {
                LocalDate day = DAY.plusDays(d);
                DayRebuild expected = DayRebuild.of(day, facts.stream().filter(f -> f.day().equals(day)).toList());
                assertThat(store.totals(day)).isEqualTo(expected.totals());
                assertThat(other.customers(day)).isEqualTo(expected.customers());
            }
            other.close();
        } finally {
            otherClient.shutdown();
        }
    }

    @Test
    void amountsUpTo2Pow53CentsAddUpToTheCentAlsoWithinOneScript() {
        long max = RedisKpiStore.MAX_CENTS;
        assertThat(store.applyAll(List.of(completed(1, DAY, "alice", max), completed(2, DAY, "bob", max),
                completed(3, DAY, "carol", 1), refund("r-1", DAY, "dave", max), refund("r-2", DAY, "erin", 3)))).isEqualTo(5);

        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 2 * max + 1, 3, 0, max + 3, 3));
        assertThat(store.rank(DAY, "alice")).contains(new LeaderboardEntry(1, "alice", max));
        assertThat(store.rank(DAY, "carol")).contains(new LeaderboardEntry(3, "carol", 1));
        assertThatThrownBy(() -> store.apply(completed(4, DAY, "frank", max + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("order:4:completed carries 9007199254740993 cents");
    }

    @Test
    void aRangeCountReadsLargeDaysInScanStepsAndStillCountsTheExactUnion() {
        RedisKpiStore smallReads = open(RedisKpiStore.builder().client(client).prefix(prefix).wholeSetLimit(100));
        List<KpiFact> facts = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            facts.add(completed(i, DAY, "customer-" + i, 100));
        }
        for (int i = 0; i < 101; i++) {
            facts.add(completed(10_000 + i, DAY.plusDays(1), "customer-" + (2_450 + i), 100));
        }
        facts.add(completed(20_000, DAY.plusDays(2), "customer-0", 100));
        store.applyAll(facts);

        assertThat(smallReads.distinctCustomers(DAY, DAY.plusDays(2))).isEqualTo(2_551);
        assertThat(smallReads.distinctCustomers(DAY.plusDays(1), DAY.plusDays(2))).isEqualTo(102);
        assertThat(store.distinctCustomers(DAY, DAY.plusDays(2))).isEqualTo(2_551);
    }

    @Test
    void theZoneIsKeptInRedisForEveryInstanceOnThePrefix() {
        store.setZone(ZoneId.of("Asia/Kolkata"));
        RedisKpiStore other = open(RedisKpiStore.builder().uri(REDIS.redis().uri()).prefix(prefix).commandTimeout(PATIENT));

        assertThat(other.zone()).contains(ZoneId.of("Asia/Kolkata"));
        assertThat(redis().get(prefix + ":zone")).isEqualTo("Asia/Kolkata");
    }

    @Test
    void aRedisThatCannotBeReachedIsUnavailableAtOnceForEveryCall() throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        RedisKpiStore unreachable = open(RedisKpiStore.builder().uri("redis://:secret@127.0.0.1:" + deadPort)
                .commandTimeout(Duration.ofSeconds(1)));

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            List<Runnable> calls = List.of(() -> unreachable.apply(completed(1, DAY, "alice", 1)),
                    () -> unreachable.totals(DAY), () -> unreachable.totals(DAY, DAY.plusDays(3)),
                    () -> unreachable.distinctCustomers(DAY, DAY), () -> unreachable.leaderboard(DAY, 3),
                    () -> unreachable.rank(DAY, "alice"), () -> unreachable.replaceDay(DayRebuild.of(DAY, List.of())),
                    unreachable::zone, unreachable::detectDataLoss);
            for (Runnable call : calls) {
                assertThatThrownBy(call::run).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("127.0.0.1:" + deadPort).hasMessageNotContaining("secret");
            }
        });
    }

    @Test
    void theBuilderRefusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> RedisKpiStore.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly one of uri and client");
        assertThatThrownBy(() -> RedisKpiStore.builder().client(client).uri("redis://x").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisKpiStore.builder().prefix("{okpi}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not contain '{' or '}'");
        assertThatThrownBy(() -> RedisKpiStore.builder().retention(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
        assertThatThrownBy(() -> RedisKpiStore.builder().commandTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("command timeout");
    }

    @Test
    void aClosedStoreRefusesCallsAndClosingTwiceIsHarmless() {
        RedisKpiStore closing = open(RedisKpiStore.builder().uri(REDIS.redis().uri()).prefix(prefix).commandTimeout(PATIENT));
        closing.apply(completed(1, DAY, "alice", 1));
        closing.close();
        closing.close();

        assertThatThrownBy(() -> closing.totals(DAY)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(store.totals(DAY).successfulOrders()).isEqualTo(1);
    }
}
