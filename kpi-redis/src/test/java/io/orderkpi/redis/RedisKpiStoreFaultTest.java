package io.orderkpi.redis;

import static io.orderkpi.core.kpi.KpiFact.completed;
import static io.orderkpi.core.kpi.KpiFact.failed;
import static io.orderkpi.core.kpi.KpiFact.refund;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.DayRebuild;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TcpProxy;
import io.orderkpi.testkit.TestRedis;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis stopped, restarted without persistence, flushed: on a server this class owns, never the shared one. */
class RedisKpiStoreFaultTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.owned();

    private static final LocalDate DAY = LocalDate.of(2025, 11, 16);

    private final List<RedisKpiStore> opened = new ArrayList<>();
    private TestRedis redis;
    private String prefix;
    private RedisKpiStore store;

    @BeforeEach
    void openStore() {
        redis = REDIS.redis();
        redis.command("FLUSHALL");
        prefix = redis.newKeyPrefix();
        store = open();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(RedisKpiStore::close);
    }

    private RedisKpiStore open() {
        RedisKpiStore opening = RedisKpiStore.builder().uri(redis.uri()).prefix(prefix)
                .commandTimeout(Duration.ofSeconds(10)).build();
        opened.add(opening);
        return opening;
    }

    @Test
    void whileRedisIsDownCallsAreUnavailableAndTheSameStoreRecoversWhenItIsBack() {
        assertThat(store.apply(completed(1, DAY, "alice", 1_000))).isTrue();

        redis.stop();
        try {
            assertThatThrownBy(() -> store.apply(completed(2, DAY, "bob", 2_000)))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("127.0.0.1:" + redis.port());
            assertThatThrownBy(() -> store.totals(DAY)).isInstanceOf(StoreUnavailableException.class);
        } finally {
            redis.start();
        }

        // The restarted server lost its data and its script cache: EVALSHA gets NOSCRIPT, EVAL follows.
        await().atMost(Duration.ofSeconds(30)).ignoreException(StoreUnavailableException.class)
                .until(() -> store.apply(completed(2, DAY, "bob", 2_000)));
        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 2_000, 1, 0, 0, 1));
    }

    /**
     * A hung Redis at the first connection: callers queued behind the attempt under way share its
     * failure instead of each making an attempt of its own, one connect timeout after another.
     */
    @Test
    void callersQueuedBehindAFailingFirstConnectionShareItsFailure() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(redis.host(), redis.port())) {
            proxy.freeze();
            RedisKpiStore hung = RedisKpiStore.builder().uri("redis://127.0.0.1:" + proxy.port()).prefix(prefix)
                    .commandTimeout(Duration.ofSeconds(1)).build();
            opened.add(hung);
            ExecutorService callers = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> calls = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    calls.add(callers.submit(() -> hung.totals(DAY)));
                }
                for (Future<?> call : calls) {
                    assertThatThrownBy(call::get).hasCauseInstanceOf(StoreUnavailableException.class);
                }
            } finally {
                callers.shutdownNow();
            }
            // All eight arrived within the first attempt's timeout; one late starter may make a second.
            assertThat(proxy.acceptedConnections()).isBetween(1, 2);

            proxy.restore();
            await().atMost(Duration.ofSeconds(30)).ignoreException(StoreUnavailableException.class)
                    .until(() -> hung.totals(DAY) != null);
        }
    }

    /**
     * A hung Redis: the first call waits the command timeout; later ones give up after a short
     * wait until a reply shows Redis answers again, so a hung Redis does not hold every caller's
     * thread (an HTTP handler's, say) for the full timeout.
     */
    @Test
    void afterATimeOutCallsGiveUpQuicklyUntilRedisAnswersAgain() {
        try (TcpProxy proxy = TcpProxy.start(redis.host(), redis.port())) {
            RedisKpiStore slow = RedisKpiStore.builder().uri("redis://127.0.0.1:" + proxy.port()).prefix(prefix)
                    .commandTimeout(Duration.ofSeconds(1)).build();
            opened.add(slow);
            assertThat(slow.apply(completed(1, DAY, "alice", 1_000))).isTrue();

            proxy.freeze();
            assertThatThrownBy(() -> slow.totals(DAY)).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("did not answer within 1000 ms");
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> slow.totals(DAY)).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("within " + RedisLink.UNRESPONSIVE_WAIT_MILLIS + " ms")
                        .hasMessageContaining("earlier time-out");
            }

            proxy.restore();
            DailyTotals alice = new DailyTotals(DAY, 1_000, 1, 0, 0, 1);
            await().atMost(Duration.ofSeconds(30)).ignoreException(StoreUnavailableException.class)
                    .until(() -> slow.totals(DAY).equals(alice));

            // A reply came: the next hang is given the full timeout again.
            proxy.freeze();
            assertThatThrownBy(() -> slow.totals(DAY)).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("did not answer within 1000 ms").hasMessageNotContaining("earlier");
            proxy.restore();
        }
    }

    @Test
    void aFlushedScriptCacheIsRefilledByTheFirstCallThatNeedsIt() {
        store.apply(completed(1, DAY, "alice", 1_000));
        redis.command("SCRIPT", "FLUSH");

        assertThat(store.applyAll(List.of(completed(1, DAY, "alice", 1_000), completed(2, DAY, "bob", 500),
                completed(3, DAY.plusDays(1), "bob", 700)))).isEqualTo(2);
        assertThat(store.rank(DAY, "bob")).isPresent();
        assertThat(store.totals(DAY)).isEqualTo(new DailyTotals(DAY, 1_500, 2, 0, 0, 2));
        assertThat(redis.command("SCRIPT", "EXISTS", KpiScript.APPLY.sha(), KpiScript.RANK.sha())).isEqualTo(List.of(1L, 1L));
    }

    @Test
    void aFreshRedisReportsALossUntilTheRebuildIsCompletedAndEveryInstanceSeesTheSameOne() {
        Optional<DataLoss> first = store.detectDataLoss();
        assertThat(first).hasValueSatisfying(loss -> assertThat(loss.resumed()).isFalse());

        RedisKpiStore other = open();
        Optional<DataLoss> seenByOther = other.detectDataLoss();
        assertThat(seenByOther).hasValueSatisfying(loss -> {
            assertThat(loss.token()).isEqualTo(first.get().token());
            assertThat(loss.resumed()).isTrue();
        });

        assertThat(other.rebuildCompleted(seenByOther.get())).isTrue();
        assertThat(store.rebuildCompleted(first.get())).isTrue();
        assertThat(store.detectDataLoss()).isEmpty();
        assertThat(other.detectDataLoss()).isEmpty();
    }

    @Test
    void aRestartWithoutPersistenceIsDetected() {
        intact(store);
        store.apply(completed(1, DAY, "alice", 1_000));

        redis.restart();

        await().atMost(Duration.ofSeconds(30)).ignoreException(StoreUnavailableException.class)
                .until(() -> store.detectDataLoss().isPresent());
        assertThat(store.hasData(DAY)).isFalse();
    }

    @Test
    void aFlushallIsDetected() {
        intact(store);

        redis.command("FLUSHALL");

        assertThat(store.detectDataLoss()).hasValueSatisfying(loss -> assertThat(loss.resumed()).isFalse());
    }

    @Test
    void aLossDuringTheRebuildKeepsTheRebuildFromCompletingSoItIsReportedAgain() {
        DataLoss first = store.detectDataLoss().orElseThrow();

        redis.command("FLUSHALL");

        assertThat(store.rebuildCompleted(first)).isFalse();
        DataLoss second = store.detectDataLoss().orElseThrow();
        assertThat(second.token()).isNotEqualTo(first.token());
        assertThat(store.rebuildCompleted(second)).isTrue();
        assertThat(store.rebuildCompleted(second)).isTrue();
        assertThat(store.rebuildCompleted(first)).isFalse();
        assertThat(store.detectDataLoss()).isEmpty();
    }

    /**
     * The relay's part played by a writer that retries a batch until Redis takes it, the records'
     * part by the list of facts: Redis restarts mid-run, the loss is detected, the retained days
     * are rebuilt from the records, and the KPIs equal a recomputation.
     */
    @Test
    void afterARestartMidRunTheDetectedLossIsRebuiltAndTheKpisEqualTheRecords() throws Exception {
        intact(store);
        store.setZone(ZoneId.of("UTC"));
        List<KpiFact> records = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            LocalDate day = DAY.plusDays(i % 4);
            String customer = "c" + (i % 97);
            records.add(switch (i % 9) {
                case 7 -> refund("r-" + i, day, customer, 25);
                case 8 -> failed(i, day, customer);
                default -> completed(i, day, customer, 100 + i);
            });
        }
        CountDownLatch underWay = new CountDownLatch(1);
        CountDownLatch restarted = new CountDownLatch(1);
        ExecutorService relay = Executors.newSingleThreadExecutor();
        Future<?> delivering = relay.submit(() -> {
            for (int from = 0; from < records.size(); from += 50) {
                if (from == 1_500) {
                    underWay.countDown();
                    assertThat(restarted.await(30, TimeUnit.SECONDS)).isTrue();
                }
                List<KpiFact> batch = records.subList(from, Math.min(records.size(), from + 50));
                while (true) {
                    try {
                        store.applyAll(batch);
                        break;
                    } catch (StoreUnavailableException e) {
                        // The relay's backoff while Redis is away.
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    }
                }
            }
            return null;
        });
        try {
            assertThat(underWay.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(store.totals(DAY).isEmpty()).isFalse();
            redis.restart();
            restarted.countDown();
            delivering.get(60, TimeUnit.SECONDS);
        } finally {
            relay.shutdownNow();
        }

        DataLoss loss = await().atMost(Duration.ofSeconds(30)).ignoreException(StoreUnavailableException.class)
                .until(store::detectDataLoss, Optional::isPresent).orElseThrow();
        assertThat(store.zone()).isEmpty();
        store.setZone(ZoneId.of("UTC"));
        for (int d = 0; d < 4; d++) {
            LocalDate day = DAY.plusDays(d);
            store.replaceDay(DayRebuild.of(day, records.stream().filter(f -> f.day().equals(day)).toList()));
        }
        assertThat(store.rebuildCompleted(loss)).isTrue();

        assertThat(store.detectDataLoss()).isEmpty();
        for (int d = 0; d < 4; d++) {
            LocalDate day = DAY.plusDays(d);
            DayRebuild expected = DayRebuild.of(day, records.stream().filter(f -> f.day().equals(day)).toList());
            assertThat(store.totals(day)).isEqualTo(expected.totals());
            assertThat(store.customers(day)).isEqualTo(expected.customers());
        }
        assertThat(store.applyAll(records)).isZero();
    }

    private static void intact(RedisKpiStore store) {
        store.detectDataLoss().ifPresent(store::rebuildCompleted);
        assertThat(store.detectDataLoss()).isEmpty();
    }
}
