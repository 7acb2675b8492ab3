package io.orderkpi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.queue.ClaimedJob;
import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.queue.Job;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueClosedException;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.queue.QueueStats;
import io.orderkpi.core.queue.RetryLaterException;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.spi.ForwardingJobStore;
import io.orderkpi.core.spi.JobStore;
import io.orderkpi.core.spi.Page;
import io.orderkpi.core.worker.JobHandler;
import io.orderkpi.core.worker.WorkerEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link JobStore} (SPEC §8) as tests: every adapter, ours or a user's, passes
 * them all. Some tests call the store directly (claims, leases, fencing, the failed list); the
 * others run it under the one {@link WorkerEngine}, and some under <b>two engines sharing the
 * store</b>, as two processes share a Redis or MySQL back-end. An adapter's test subclasses this
 * class and only says how to build a store:
 *
 * <pre>{@code
 * class MyJobStoreContractTest extends JobStoreContract {
 *     @Override
 *     protected JobStore newStore(Clock clock) {
 *         return MyJobStore.builder().clock(clock).keyPrefix(freshPrefix()).build();
 *     }
 * }
 * }</pre>
 *
 * <p>What {@link #newStore} must return:
 * <ul>
 *   <li>an empty store that shares no jobs, failed jobs, pause flags or counters with the stores
 *       of other tests (a shared back-end needs a fresh key prefix or database per call);</li>
 *   <li>one that takes every time from {@code clock} (due times, leases, waits, failure times):
 *       the kit passes a {@link MutableClock} that stands still until a test moves it, so a job is
 *       retried, or a lease expires, only when the test advances the clock.</li>
 * </ul>
 * The kit closes every engine and store it created after each test. Waits are bounded (10 s) but
 * the tests are fast when the adapter is: each waits for an event, never for a fixed time, except
 * where it checks that something does <em>not</em> happen (a short quiet period).
 */
public abstract class JobStoreContract {

    /** The queue most tests use. */
    protected static final String QUEUE = QueueNames.ORDER_PROCESSING;
    /** A second queue, for scoping. */
    protected static final String OTHER_QUEUE = QueueNames.NOTIFICATIONS;
    protected static final String TYPE = "contract-job";

    /**
     * The most any wait of a test may take: a bound, not an expectation. A database-backed store
     * on a busy two-core machine needs 5–6 s for the 2,000 concurrent jobs, so 10 s left too little.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** How long a test watches for something that must not happen. */
    private static final Duration QUIET = Duration.ofMillis(200);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(5);
    private static final RetryPolicy BACKOFF = new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(1));
    private static final RetryPolicy ONE_ATTEMPT = new RetryPolicy(1, Duration.ofSeconds(10), Duration.ofSeconds(10));

    /** The time every store and engine of the kit runs on; stands still until a test moves it. */
    protected final MutableClock clock = MutableClock.at("2026-01-05T09:00:00Z");

    private final List<JobStore> stores = new ArrayList<>();
    private final List<WorkerEngine> engines = new ArrayList<>();
    private final List<BlockingHandler> blockingHandlers = new ArrayList<>();

    /**
     * A new, empty store of the adapter under test, isolated from every other store the kit
     * creates, whose times all follow {@code clock}.
     */
    protected abstract JobStore newStore(Clock clock);

    @AfterEach
    void closeEnginesAndStores() {
        // Release blocked handlers first, so a failed test does not hold close() for the grace.
        blockingHandlers.forEach(BlockingHandler::release);
        engines.forEach(WorkerEngine::close);
        stores.forEach(JobStore::close);
    }

    // --- the store alone: claims, leases, fencing ----------------------------------------------------

    @Test
    void claimsDueJobsOldestFirstUpToTheMaximumWithALease() {
        JobStore store = store();
        UUID first = store.enqueue(job("first"));
        clock.advance(Duration.ofMillis(1));
        UUID second = store.enqueue(job("second"));
        UUID third = store.enqueue(job("third"));
        clock.advance(Duration.ofSeconds(2));
        Instant claimedAt = clock.instant();

        List<ClaimedJob> claimed = store.claim(QUEUE, "consumer-a", 2, LEASE);

        assertThat(claimed).extracting(c -> c.job().id()).containsExactly(first, second);
        assertThat(claimed).allSatisfy(c -> {
            assertThat(c.consumer()).isEqualTo("consumer-a");
            assertThat(c.leaseUntil()).isEqualTo(claimedAt.plus(LEASE));
            assertThat(c.job().attempt()).isEqualTo(1);
            assertThat(c.job().queue()).isEqualTo(QUEUE);
            assertThat(c.job().type()).isEqualTo(TYPE);
        });
        assertThat(claimed.get(0).job().payload()).isEqualTo("first");
        assertThat(claimed.get(0).job().enqueuedAt()).isEqualTo(claimedAt.minusMillis(2001));
        assertThat(store.claim(OTHER_QUEUE, "consumer-a", 5, LEASE)).as("other queue").isEmpty();
        assertThat(store.claim(QUEUE, "consumer-b", 5, LEASE)).extracting(c -> c.job().id()).containsExactly(third);
        assertThat(store.claim(QUEUE, "consumer-b", 5, LEASE)).isEmpty();
        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.pending()).isZero();
            assertThat(stats.running()).isEqualTo(3);
        });
    }

    @Test
    void aLeaseHoldsUntilItsEndAndAnExpiredOneIsReclaimedWithAnAttemptUsed() {
        JobStore store = store();
        UUID id = store.enqueue(job("order-7").withDedupKey("process:7"));
        ClaimedJob byA = single(store.claim(QUEUE, "consumer-a", 1, LEASE));

        clock.advance(LEASE);
        assertThat(store.reclaimExpired(QUEUE, 3)).as("at the very end of the lease it still holds").isZero();
        assertThat(store.claim(QUEUE, "consumer-b", 1, LEASE)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.reclaimExpired(OTHER_QUEUE, 3)).as("another queue's reclaim").isZero();

        assertThat(store.reclaimExpired(QUEUE, 3)).isEqualTo(1);

        assertThat(store.enqueue(job("order-7").withDedupKey("process:7"))).as("the key stays held").isEqualTo(id);
        ClaimedJob byB = single(store.claim(QUEUE, "consumer-b", 1, LEASE));
        assertThat(byB.job().id()).isEqualTo(id);
        assertThat(byB.job().attempt()).as("the expired run used an attempt").isEqualTo(2);
        assertThat(byB.token()).isNotEqualTo(byA.token());
        // Consumer A comes back from its pause: every call with its stale claim is refused.
        assertThat(store.ack(byA)).isFalse();
        assertThat(store.extend(byA, LEASE)).isEmpty();
        assertThat(store.release(byA, Duration.ZERO, false)).isFalse();
        assertThat(store.fail(byA, "late")).isFalse();
        assertThat(stats(store, QUEUE).running()).isEqualTo(1);

        assertThat(store.ack(byB)).isTrue();

        assertThat(store.ack(byB)).as("acked once").isFalse();
        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.completed()).isEqualTo(1);
            assertThat(stats.running()).isZero();
            assertThat(stats.failed()).isZero();
        });
        assertThat(store.enqueue(job("order-7").withDedupKey("process:7"))).as("acked: key free").isNotEqualTo(id);
    }

    @Test
    void claimsWithTheSmallestLegalArgumentsAndRefusesSmallerOnes() {
        JobStore store = store();
        store.enqueue(job("a"));
        store.enqueue(job("b"));

        assertThat(store.claim(QUEUE, "consumer-a", 1, Duration.ofMillis(1))).hasSize(1);

        assertThatThrownBy(() -> store.claim(QUEUE, "consumer-a", 0, LEASE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max");
        assertThatThrownBy(() -> store.claim(QUEUE, "consumer-a", 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
        assertThatThrownBy(() -> store.failed(null, null, Long.MAX_VALUE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThat(stats(store, QUEUE).pending()).as("a refused claim takes nothing").isEqualTo(1);
    }

    @Test
    void reclaimFailsAJobWhoseExpiredRunWasItsLastAttempt() {
        JobStore store = store();
        UUID id = store.enqueue(job("order-8").withDedupKey("process:8").withSubject("order 8"));
        single(store.claim(QUEUE, "consumer-a", 1, LEASE));
        clock.advance(LEASE.plusMillis(1));

        assertThat(store.reclaimExpired(QUEUE, 1)).isEqualTo(1);

        assertThat(failed(store, QUEUE, null)).singleElement().satisfies(failed -> {
            assertThat(failed.id()).isEqualTo(id);
            assertThat(failed.subject()).isEqualTo("order 8");
            assertThat(failed.attempts()).isEqualTo(1);
            assertThat(failed.lastError()).containsIgnoringCase("lease").contains("consumer-a");
            assertThat(failed.failedAt()).isEqualTo(clock.instant());
        });
        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.running()).isZero();
            assertThat(stats.pending()).isZero();
            assertThat(stats.failed()).isEqualTo(1);
        });
        assertThat(store.enqueue(job("order-8").withDedupKey("process:8"))).as("failed: key free").isNotEqualTo(id);
    }

    @Test
    void anExtendedLeaseIsNotReclaimedAtItsFormerEnd() {
        JobStore store = store();
        store.enqueue(job("long"));
        ClaimedJob claim = single(store.claim(QUEUE, "consumer-a", 1, LEASE));
        clock.advance(LEASE.dividedBy(2));

        Optional<ClaimedJob> extended = store.extend(claim, LEASE);

        assertThat(extended).hasValueSatisfying(e -> {
            assertThat(e.leaseUntil()).isEqualTo(clock.instant().plus(LEASE));
            assertThat(e.token()).isEqualTo(claim.token());
            assertThat(e.job()).isEqualTo(claim.job());
        });
        clock.advance(LEASE.dividedBy(2).plusMillis(1));
        assertThat(store.reclaimExpired(QUEUE, 3)).isZero();
        assertThat(store.claim(QUEUE, "consumer-b", 1, LEASE)).isEmpty();
        assertThat(store.ack(extended.orElseThrow())).isTrue();
        assertThat(stats(store, QUEUE).completed()).isEqualTo(1);
    }

    @Test
    void releaseMakesAJobDueAfterItsDelayUsingAnAttemptOnlyWhenAsked() {
        JobStore store = store();
        UUID id = store.enqueue(job("retry-me").withDedupKey("refund:r-1"));
        ClaimedJob first = single(store.claim(QUEUE, "consumer-a", 1, LEASE));

        assertThat(store.release(first, Duration.ofSeconds(10), true)).isTrue();

        assertThat(store.enqueue(job("retry-me").withDedupKey("refund:r-1"))).as("a released job keeps its key")
                .isEqualTo(id);

        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.pending()).isEqualTo(1);
            assertThat(stats.running()).isZero();
        });
        clock.advance(Duration.ofSeconds(10).minusMillis(1));
        assertThat(store.claim(QUEUE, "consumer-a", 1, LEASE)).as("a millisecond early").isEmpty();
        clock.advance(Duration.ofMillis(1));
        ClaimedJob second = single(store.claim(QUEUE, "consumer-a", 1, LEASE));
        assertThat(second.job().id()).isEqualTo(id);
        assertThat(second.job().attempt()).isEqualTo(2);

        assertThat(store.release(second, Duration.ZERO, false)).isTrue();

        ClaimedJob third = single(store.claim(QUEUE, "consumer-b", 1, LEASE));
        assertThat(third.job().attempt()).as("a release without an attempt keeps the count").isEqualTo(2);
        assertThat(store.release(second, Duration.ZERO, false)).as("stale claim").isFalse();
    }

    @Test
    void failListsTheJobWithItsSubjectAndErrorButNeverItsPayload() {
        JobStore store = store();
        Instant enqueuedAt = clock.instant();
        UUID id = store.enqueue(JobRequest.of(QUEUE, "import.chunk", "Ada Lovelace,ada@example.com")
                .withSubject("import 3f2a chunk 7"));
        ClaimedJob claim = single(store.claim(QUEUE, "consumer-a", 1, LEASE));
        clock.advance(Duration.ofSeconds(3));

        assertThat(store.fail(claim, "java.lang.IllegalStateException: chunk 7 cannot be applied")).isTrue();

        assertThat(failed(store, null, null)).singleElement().satisfies(failed -> {
            assertThat(failed.id()).isEqualTo(id);
            assertThat(failed.queue()).isEqualTo(QUEUE);
            assertThat(failed.type()).isEqualTo("import.chunk");
            assertThat(failed.subject()).isEqualTo("import 3f2a chunk 7");
            assertThat(failed.attempts()).isEqualTo(1);
            assertThat(failed.lastError()).isEqualTo("java.lang.IllegalStateException: chunk 7 cannot be applied");
            assertThat(failed.enqueuedAt()).isEqualTo(enqueuedAt);
            assertThat(failed.failedAt()).isEqualTo(clock.instant());
            assertThat(failed.toString()).doesNotContain("ada@example.com").doesNotContain("Lovelace");
        });
        assertThat(failed(store, null, "ada@example")).as("the payload is not searched").isEmpty();
        assertThat(failed(store, null, "lovelace")).isEmpty();
        assertThat(failed(store, null, "3F2A CHUNK")).as("by subject").hasSize(1);
        assertThat(store.fail(claim, "again")).as("failed once").isFalse();
    }

    @Test
    void concurrentEnqueuesWithOneDedupKeyStoreOneJobAndAllGetItsId() throws Exception {
        JobStore store = store();
        int rounds = 20;
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                String key = "process:race-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<UUID>> ids = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    ids.add(pool.submit(() -> {
                        start.await();
                        return store.enqueue(job("race").withDedupKey(key));
                    }));
                }
                start.countDown();
                Set<UUID> distinct = new HashSet<>();
                for (Future<UUID> id : ids) {
                    distinct.add(id.get(30, TimeUnit.SECONDS));
                }
                assertThat(distinct).as("round %d: one job for the key, its id for every caller", round).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(stats(store, QUEUE).pending()).isEqualTo(rounds);
    }

    @Test
    void aRetriedFailedJobTakesItsDedupKeyBackOnlyWhenNoOtherJobHoldsIt() {
        JobStore store = store();
        UUID first = store.enqueue(job("order-9").withDedupKey("process:9"));
        store.fail(single(store.claim(QUEUE, "consumer-a", 1, LEASE)), "boom");

        assertThat(store.retryFailed(first)).isTrue();

        assertThat(store.enqueue(job("order-9").withDedupKey("process:9"))).isEqualTo(first);
        store.fail(single(store.claim(QUEUE, "consumer-a", 1, LEASE)), "boom again");
        UUID second = store.enqueue(job("order-9").withDedupKey("process:9"));
        assertThat(second).isNotEqualTo(first);

        assertThat(store.retryFailed(first)).isTrue();

        assertThat(store.enqueue(job("order-9").withDedupKey("process:9"))).as("not taken from its holder")
                .isEqualTo(second);
        assertThat(stats(store, QUEUE).pending()).isEqualTo(2);
        assertThat(store.claim(QUEUE, "consumer-a", 5, LEASE)).extracting(c -> c.job().id())
                .containsExactly(second, first);
    }

    @Test
    void keepsASubjectOfExactlyTheMaximumLengthAndRefusesALongerOne() {
        JobStore store = store();
        String longest = "s".repeat(JobRequest.MAX_SUBJECT_LENGTH);
        store.enqueue(job("p").withSubject(longest));
        store.fail(single(store.claim(QUEUE, "consumer-a", 1, LEASE)), "boom");

        assertThat(failed(store, null, null)).singleElement()
                .satisfies(failed -> assertThat(failed.subject()).isEqualTo(longest));
        assertThatThrownBy(() -> job("p").withSubject(longest + "s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subject")
                .hasMessageContaining(Integer.toString(JobRequest.MAX_SUBJECT_LENGTH));
    }

    @Test
    void aPausedQueueHandsNoJobToAnyConsumerUntilResumed() {
        JobStore store = store();
        store.enqueue(job("waits"));

        store.pause(QUEUE);

        assertThat(store.isPaused(QUEUE)).isTrue();
        assertThat(store.isPaused(OTHER_QUEUE)).isFalse();
        assertThat(store.claim(QUEUE, "consumer-a", 1, LEASE)).isEmpty();
        assertThat(store.claim(QUEUE, "consumer-b", 1, LEASE)).isEmpty();
        assertThat(stats(store, QUEUE).paused()).isTrue();

        store.resume(QUEUE);

        assertThat(store.isPaused(QUEUE)).isFalse();
        assertThat(store.claim(QUEUE, "consumer-b", 1, LEASE)).hasSize(1);
    }

    @Test
    void pagesTheFailedListMostRecentFirstWithQueueAndSearchFilters() {
        JobStore store = store();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String queue = i % 2 == 0 ? QUEUE : OTHER_QUEUE;
            ids.add(store.enqueue(JobRequest.of(queue, TYPE, "p" + i).withSubject("order " + i)));
            store.fail(single(store.claim(queue, "consumer-a", 1, LEASE)), "error " + (i < 3 ? "early" : "late"));
            clock.advance(Duration.ofSeconds(1));
        }

        Page<FailedJob> first = store.failed(null, null, Long.MAX_VALUE, 2);
        Page<FailedJob> second = store.failed(null, null, first.nextKey().orElseThrow(), 2);
        Page<FailedJob> third = store.failed(null, null, second.nextKey().orElseThrow(), 2);

        assertThat(first.items()).extracting(FailedJob::id).containsExactly(ids.get(4), ids.get(3));
        assertThat(second.items()).extracting(FailedJob::id).containsExactly(ids.get(2), ids.get(1));
        assertThat(third.items()).extracting(FailedJob::id).containsExactly(ids.get(0));
        assertThat(third.nextKey()).isEmpty();
        assertThat(store.failed(null, null, Long.MAX_VALUE, 5).nextKey()).as("exactly one full page").isEmpty();

        Page<FailedJob> ofQueue = store.failed(QUEUE, null, Long.MAX_VALUE, 1);
        assertThat(ofQueue.items()).extracting(FailedJob::id).containsExactly(ids.get(4));
        assertThat(store.failed(QUEUE, null, ofQueue.nextKey().orElseThrow(), 5).items()).extracting(FailedJob::id)
                .containsExactly(ids.get(2), ids.get(0));
        assertThat(store.failed(null, "EARLY", Long.MAX_VALUE, 5).items()).extracting(FailedJob::id)
                .containsExactly(ids.get(2), ids.get(1), ids.get(0));
        assertThat(store.failed(OTHER_QUEUE, "late", Long.MAX_VALUE, 5).items()).extracting(FailedJob::id)
                .containsExactly(ids.get(3));
    }

    @Test
    void purgesFailedJobsThatFailedBeforeTheCutoffOnly() {
        JobStore store = store();
        UUID old = failNow(store, "old");
        clock.advance(Duration.ofSeconds(1));
        Instant cutoff = clock.instant();
        UUID atCutoff = failNow(store, "at-cutoff");
        clock.advance(Duration.ofSeconds(1));
        UUID recent = failNow(store, "recent");

        assertThat(store.purgeFailed(cutoff)).isEqualTo(1);

        assertThat(failed(store, null, null)).extracting(FailedJob::id).containsExactly(recent, atCutoff);
        assertThat(store.retryFailed(old)).as("purged").isFalse();
        assertThat(store.purgeFailed(cutoff)).isZero();
        assertThat(stats(store, QUEUE).failed()).isEqualTo(2);
    }

    @Test
    void clearRemovesPendingAndDelayedJobsButNotClaimedOnes() {
        JobStore store = store();
        store.enqueue(job("running"));
        ClaimedJob running = single(store.claim(QUEUE, "consumer-a", 1, LEASE));
        store.enqueue(job("delayed"));
        store.release(single(store.claim(QUEUE, "consumer-a", 1, LEASE)), Duration.ofMinutes(5), true);
        store.enqueue(job("ready"));

        assertThat(store.clear(QUEUE)).isEqualTo(2);

        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.pending()).isZero();
            assertThat(stats.running()).isEqualTo(1);
        });
        clock.advance(Duration.ofMinutes(5));
        assertThat(store.claim(QUEUE, "consumer-a", 5, LEASE)).isEmpty();
        assertThat(store.ack(running)).isTrue();
    }

    // --- under one engine ------------------------------------------------------------------------------

    @Test
    void runsAJobOnceAndCountsItCompleted() {
        JobStore store = store();
        RecordingHandler handler = recording();
        WorkerEngine engine = started(store, BACKOFF, handler, Map.of(QUEUE, 1, OTHER_QUEUE, 1));

        UUID id = engine.enqueue(JobRequest.of(QUEUE, TYPE, "{\"orderId\":42}"));

        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(1));
        quietly(() -> assertThat(handler.count()).isEqualTo(1));
        assertThat(handler.jobs()).singleElement().satisfies(job -> {
            assertThat(job.id()).isEqualTo(id);
            assertThat(job.queue()).isEqualTo(QUEUE);
            assertThat(job.type()).isEqualTo(TYPE);
            assertThat(job.payload()).isEqualTo("{\"orderId\":42}");
            assertThat(job.attempt()).isEqualTo(1);
            assertThat(job.enqueuedAt()).isEqualTo(clock.instant());
        });
        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.pending()).isZero();
            assertThat(stats.running()).isZero();
            assertThat(stats.failed()).isZero();
            assertThat(stats.paused()).isFalse();
        });
        eventually(() -> assertThat(stats(store, OTHER_QUEUE).completed()).as("a queue with workers is listed").isZero());
    }

    @Test
    void startsJobsOfOneQueueInEnqueueOrderWithOneWorker() {
        JobStore store = store();
        WorkerEngine engine = engine(store, BACKOFF, GRACE);
        RecordingHandler handler = recording();
        engine.register(TYPE, handler);
        List<String> payloads = IntStream.range(0, 20).mapToObj(i -> "job-" + i).collect(Collectors.toList());
        payloads.forEach(payload -> engine.enqueue(job(payload)));
        assertThat(stats(store, QUEUE).pending()).as("jobs enqueued before start wait").isEqualTo(20);

        engine.start(Map.of(QUEUE, 1));

        eventually(() -> assertThat(handler.count()).isEqualTo(20));
        assertThat(handler.payloads()).containsExactlyElementsOf(payloads);
    }

    @Test
    void handlersCanEnqueueJobsFromInsideAJob() {
        JobStore store = store();
        WorkerEngine engine = engine(store, BACKOFF, GRACE);
        RecordingHandler children = recording();
        engine.register("parent", job -> {
            engine.enqueue(JobRequest.of(QUEUE, "child", job.payload() + "/same-queue"));
            engine.enqueue(JobRequest.of(OTHER_QUEUE, "child", job.payload() + "/other-queue"));
        });
        engine.register("child", children);
        engine.start(Map.of(QUEUE, 1, OTHER_QUEUE, 1));

        engine.enqueue(JobRequest.of(QUEUE, "parent", "p"));

        eventually(() -> assertThat(children.payloads()).containsExactlyInAnyOrder("p/same-queue", "p/other-queue"));
    }

    @Test
    void losesNoJobEnqueuedConcurrentlyFromSeveralThreads() throws Exception {
        JobStore store = store();
        RecordingHandler handler = recording();
        WorkerEngine engine = started(store, BACKOFF, handler, Map.of(QUEUE, 4));
        int threads = 4;
        int jobsPerThread = 500;
        Set<UUID> ids = enqueueConcurrently(engine, threads, jobsPerThread);

        int total = threads * jobsPerThread;
        assertThat(ids).as("every job has its own id").hasSize(total);
        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(total));
        assertThat(new HashSet<>(handler.payloads())).hasSize(total);
        assertThat(stats(store, QUEUE).pending()).isZero();
    }

    @Test
    void refusesASecondHandlerForATypeAndASecondStart() {
        WorkerEngine engine = engine(store(), BACKOFF, GRACE);
        engine.register(TYPE, recording());

        assertThatThrownBy(() -> engine.register(TYPE, recording())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(TYPE);
        engine.start(Map.of(QUEUE, 1));
        assertThatThrownBy(() -> engine.start(Map.of(QUEUE, 1))).isInstanceOf(IllegalStateException.class);
    }

    // --- retries and the failed list, under one engine ----------------------------------------------

    @Test
    void retriesAThrowingJobAfterItsBackoffThenFailsIt() {
        JobStore store = store();
        WorkerEngine engine = engine(store, BACKOFF, GRACE);
        RecordingHandler handler = recording(job -> {
            throw new IllegalStateException("card declined on attempt " + job.attempt());
        });
        engine.register(TYPE, handler);
        engine.start(Map.of(QUEUE, 1));
        Instant enqueuedAt = clock.instant();

        UUID id = engine.enqueue(job("{\"orderId\":7}").withSubject("order 7"));

        awaitRunsThenWaits(store, handler, 1);
        quietly(() -> assertThat(handler.count()).as("not rerun before the backoff").isEqualTo(1));
        clock.advance(BACKOFF.delayAfter(1).minusMillis(1));
        quietly(() -> assertThat(handler.count()).as("not rerun a millisecond early").isEqualTo(1));
        clock.advance(Duration.ofMillis(1));
        awaitRunsThenWaits(store, handler, 2);
        clock.advance(BACKOFF.delayAfter(2));

        eventually(() -> assertThat(failed(store, QUEUE, null)).hasSize(1));
        FailedJob failed = failed(store, QUEUE, null).get(0);
        assertThat(failed.id()).isEqualTo(id);
        assertThat(failed.queue()).isEqualTo(QUEUE);
        assertThat(failed.type()).isEqualTo(TYPE);
        assertThat(failed.subject()).isEqualTo("order 7");
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.lastError()).contains("IllegalStateException").contains("card declined on attempt 3");
        assertThat(failed.enqueuedAt()).isEqualTo(enqueuedAt);
        assertThat(handler.attempts()).containsExactly(1, 2, 3);
        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.failed()).isEqualTo(1);
            assertThat(stats.pending()).isZero();
            assertThat(stats.running()).isZero();
            assertThat(stats.completed()).isZero();
        });
    }

    @Test
    void reschedulesARetryLaterJobWithoutUsingAnAttempt() {
        // One attempt only: any counted attempt would send the job to the failed list.
        JobStore store = store();
        WorkerEngine engine = engine(store, ONE_ATTEMPT, GRACE);
        AtomicInteger runs = new AtomicInteger();
        Duration later = Duration.ofSeconds(30);
        RecordingHandler handler = recording(job -> {
            if (runs.incrementAndGet() <= 2) {
                throw new RetryLaterException("an earlier chunk is still missing", later);
            }
        });
        engine.register(TYPE, handler);
        engine.start(Map.of(QUEUE, 1));

        engine.enqueue(job("chunk-2"));

        awaitRunsThenWaits(store, handler, 1);
        quietly(() -> assertThat(handler.count()).as("not rerun before its delay").isEqualTo(1));
        clock.advance(later);
        awaitRunsThenWaits(store, handler, 2);
        clock.advance(later);
        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(1));
        assertThat(handler.attempts()).containsExactly(1, 1, 1);
        assertThat(failed(store, null, null)).isEmpty();
    }

    @Test
    void failsAJobWithoutAHandlerNamingItsType() {
        JobStore store = store();
        WorkerEngine engine = engine(store, BACKOFF, GRACE);
        engine.start(Map.of(QUEUE, 1));

        engine.enqueue(JobRequest.of(QUEUE, "mystery-job", "{}"));

        eventually(() -> assertThat(failed(store, QUEUE, null)).singleElement()
                .satisfies(failed -> {
                    assertThat(failed.lastError()).contains("mystery-job");
                    assertThat(failed.attempts()).as("at once, whatever attempts remain").isEqualTo(1);
                }));
        assertThat(stats(store, QUEUE).completed()).isZero();
    }

    @Test
    void retriesAFailedJobWithFreshAttempts() {
        JobStore store = store();
        WorkerEngine engine = engine(store, ONE_ATTEMPT, GRACE);
        AtomicBoolean failing = new AtomicBoolean(true);
        RecordingHandler handler = recording(failWhile(failing));
        engine.register(TYPE, handler);
        engine.start(Map.of(QUEUE, 1));
        UUID id = engine.enqueue(job("refund-9"));
        eventually(() -> assertThat(failed(store, QUEUE, null)).hasSize(1));
        failing.set(false);

        assertThat(store.retryFailed(id)).isTrue();

        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(1));
        assertThat(handler.jobs()).extracting(Job::id).containsExactly(id, id);
        assertThat(handler.attempts()).containsExactly(1, 1);
        assertThat(failed(store, null, null)).isEmpty();
        assertThat(store.retryFailed(id)).as("no longer failed").isFalse();
        assertThat(store.retryFailed(UUID.randomUUID())).isFalse();
    }

    @Test
    void forgetsAFailedJob() {
        JobStore store = store();
        RecordingHandler handler = recording(failWhile(new AtomicBoolean(true)));
        WorkerEngine engine = started(store, ONE_ATTEMPT, handler, Map.of(QUEUE, 1));
        UUID id = engine.enqueue(job("refund-9"));
        eventually(() -> assertThat(failed(store, QUEUE, null)).hasSize(1));

        assertThat(store.forgetFailed(id)).isTrue();

        assertThat(store.forgetFailed(id)).isFalse();
        assertThat(failed(store, null, null)).isEmpty();
        assertThat(stats(store, QUEUE).failed()).isZero();
        quietly(() -> assertThat(handler.count()).as("a forgotten job does not run").isEqualTo(1));
    }

    @Test
    void retriesAllFailedJobsOfOneQueueOrOfEveryQueue() {
        JobStore store = store();
        WorkerEngine engine = engine(store, ONE_ATTEMPT, GRACE);
        AtomicBoolean failing = new AtomicBoolean(true);
        engine.register(TYPE, recording(failWhile(failing)));
        engine.start(Map.of(QUEUE, 1, OTHER_QUEUE, 1));
        failInBothQueues(engine, 2, 2);
        failing.set(false);

        assertThat(store.retryAllFailed(QUEUE)).isEqualTo(2);

        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(2));
        assertThat(failed(store, null, null)).hasSize(2)
                .allSatisfy(failed -> assertThat(failed.queue()).isEqualTo(OTHER_QUEUE));
        assertThat(store.retryAllFailed(QUEUE)).isZero();

        assertThat(store.retryAllFailed(null)).isEqualTo(2);

        eventually(() -> assertThat(stats(store, OTHER_QUEUE).completed()).isEqualTo(2));
        assertThat(failed(store, null, null)).isEmpty();
    }

    @Test
    void forgetsAllFailedJobsOfOneQueueOrOfEveryQueue() {
        JobStore store = store();
        WorkerEngine engine = started(store, ONE_ATTEMPT, recording(failWhile(new AtomicBoolean(true))), Map.of(QUEUE, 1, OTHER_QUEUE, 1));
        failInBothQueues(engine, 2, 1);

        assertThat(store.forgetAllFailed(OTHER_QUEUE)).isEqualTo(1);

        assertThat(failed(store, null, null)).hasSize(2)
                .allSatisfy(failed -> assertThat(failed.queue()).isEqualTo(QUEUE));
        assertThat(stats(store, OTHER_QUEUE).failed()).isZero();

        assertThat(store.forgetAllFailed(null)).isEqualTo(2);

        assertThat(failed(store, null, null)).isEmpty();
        assertThat(stats(store, QUEUE).failed()).isZero();
        assertThat(store.forgetAllFailed(null)).isZero();
    }

    @Test
    void listsFailedJobsMostRecentFirstAndFindsThemByTypeSubjectOrErrorIgnoringCase() {
        JobStore store = store();
        WorkerEngine engine = engine(store, ONE_ATTEMPT, GRACE);
        engine.register("charge-card", job -> {
            throw new IllegalStateException("Card DECLINED by issuer");
        });
        engine.register("send-mail", job -> {
            throw new IllegalArgumentException("mailbox full");
        });
        engine.start(Map.of(QUEUE, 1, OTHER_QUEUE, 1));
        UUID charge = engine.enqueue(JobRequest.of(QUEUE, "charge-card", "{\"orderId\":42}").withSubject("order 42"));
        eventually(() -> assertThat(failed(store, null, null)).hasSize(1));
        clock.advance(Duration.ofSeconds(1));
        UUID mail = engine.enqueue(JobRequest.of(OTHER_QUEUE, "send-mail", "{\"to\":\"Ada@Example.com\"}")
                .withSubject("notification 17"));
        eventually(() -> assertThat(failed(store, null, null)).hasSize(2));

        assertThat(failed(store, null, null)).extracting(FailedJob::id).containsExactly(mail, charge);
        assertThat(failed(store, null, "declined")).extracting(FailedJob::id).as("by error").containsExactly(charge);
        assertThat(failed(store, null, "SEND-MAIL")).extracting(FailedJob::id).as("by type").containsExactly(mail);
        assertThat(failed(store, null, "Notification 17")).extracting(FailedJob::id).as("by subject")
                .containsExactly(mail);
        assertThat(failed(store, null, "ORDER 42")).extracting(FailedJob::id).containsExactly(charge);
        assertThat(failed(store, null, "ada@EXAMPLE")).as("never by payload").isEmpty();
        assertThat(failed(store, null, "\"orderId\":42")).as("never by payload").isEmpty();
        assertThat(failed(store, null, "no such thing")).isEmpty();
        assertThat(failed(store, QUEUE, null)).extracting(FailedJob::id).containsExactly(charge);
        assertThat(failed(store, QUEUE, "mail")).isEmpty();
    }

    // --- pause, clear, dedup, under one engine ----------------------------------------------------------

    @Test
    void pausingLetsTheRunningJobFinishAndStartsNoOtherUntilResumed() {
        JobStore store = store();
        BlockingHandler handler = blocking();
        WorkerEngine engine = started(store, BACKOFF, handler, Map.of(QUEUE, 1));
        engine.enqueue(job("first"));
        eventually(() -> assertThat(handler.started()).hasSize(1));

        store.pause(QUEUE);
        engine.enqueue(job("second"));
        handler.release();

        assertThat(store.isPaused(QUEUE)).isTrue();
        assertThat(store.isPaused(OTHER_QUEUE)).isFalse();
        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(1));
        quietly(() -> assertThat(handler.started()).as("nothing starts while paused").hasSize(1));
        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.paused()).isTrue();
            assertThat(stats.pending()).isEqualTo(1);
        });

        store.resume(QUEUE);

        assertThat(store.isPaused(QUEUE)).isFalse();
        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(2));
        assertThat(handler.started()).extracting(Job::payload).containsExactly("first", "second");
    }

    @Test
    void clearRemovesPendingJobsOnlyAndLeavesTheRunningJobRunning() {
        JobStore store = store();
        BlockingHandler handler = blocking();
        WorkerEngine engine = started(store, BACKOFF, handler, Map.of(QUEUE, 1));
        engine.enqueue(job("running"));
        eventually(() -> assertThat(handler.started()).hasSize(1));
        engine.enqueue(job("pending-1"));
        engine.enqueue(job("pending-2"));
        UUID keyed = engine.enqueue(job("pending-3").withDedupKey("process:3"));

        assertThat(store.clear(QUEUE)).isEqualTo(3);

        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.pending()).isZero();
            assertThat(stats.running()).isEqualTo(1);
        });
        assertThat(store.clear("never-used")).isZero();
        assertThat(engine.enqueue(job("again-3").withDedupKey("process:3")))
                .as("a cleared job no longer holds its dedup key").isNotEqualTo(keyed);
        handler.release();
        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(2));
        assertThat(handler.started()).extracting(Job::payload).containsExactly("running", "again-3");
    }

    @Test
    void deduplicatesAKeyWhileItsJobIsPendingAndAcceptsItAgainAfterCompletion() {
        JobStore store = store();
        WorkerEngine engine = engine(store, BACKOFF, GRACE);
        RecordingHandler handler = recording();
        engine.register(TYPE, handler);
        UUID first = engine.enqueue(job("order-42").withDedupKey("process:42"));

        assertThat(engine.enqueue(job("order-42").withDedupKey("process:42"))).isEqualTo(first);
        assertThat(engine.enqueue(job("order-43").withDedupKey("process:43"))).isNotEqualTo(first);
        assertThat(stats(store, QUEUE).pending()).isEqualTo(2);

        engine.start(Map.of(QUEUE, 1));
        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(2));
        assertThat(handler.payloads()).containsExactly("order-42", "order-43");

        UUID again = engine.enqueue(job("order-42").withDedupKey("process:42"));

        assertThat(again).isNotEqualTo(first);
        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(3));
    }

    @Test
    void deduplicatesAKeyWhileItsJobIsRunning() {
        JobStore store = store();
        BlockingHandler handler = blocking();
        WorkerEngine engine = started(store, BACKOFF, handler, Map.of(QUEUE, 1));
        UUID running = engine.enqueue(job("order-42").withDedupKey("process:42"));
        eventually(() -> assertThat(handler.started()).hasSize(1));

        assertThat(engine.enqueue(job("order-42").withDedupKey("process:42"))).isEqualTo(running);

        handler.release();
        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(1));
        assertThat(stats(store, QUEUE).pending()).isZero();
        assertThat(handler.started()).hasSize(1);
    }

    @Test
    void releasesADedupKeyWhenItsJobFails() {
        JobStore store = store();
        WorkerEngine engine = started(store, ONE_ATTEMPT, recording(failWhile(new AtomicBoolean(true))), Map.of(QUEUE, 1));
        UUID failed = engine.enqueue(job("order-42").withDedupKey("process:42"));
        eventually(() -> assertThat(failed(store, QUEUE, null)).hasSize(1));

        assertThat(engine.enqueue(job("order-42").withDedupKey("process:42"))).isNotEqualTo(failed);
    }

    // --- shutdown ------------------------------------------------------------------------------------

    @Test
    void shutdownLetsTheRunningJobFinishWithinGraceAndLeavesPendingJobsPending() throws Exception {
        JobStore store = store();
        BlockingHandler handler = blocking();
        WorkerEngine engine = started(store, BACKOFF, handler, Map.of(QUEUE, 1));
        engine.enqueue(job("running"));
        eventually(() -> assertThat(handler.started()).hasSize(1));
        engine.enqueue(job("pending-1"));
        engine.enqueue(job("pending-2"));

        FutureTask<Void> shutdown = new FutureTask<>(() -> engine.shutdown(TIMEOUT), null);
        new Thread(shutdown, "contract-shutdown").start();
        // Refusing jobs is the visible start of a shutdown; the probe queue keeps QUEUE untouched.
        eventually(() -> assertThatThrownBy(() -> engine.enqueue(JobRequest.of("contract-probe", TYPE, "probe")))
                .isInstanceOf(QueueClosedException.class));
        assertThat(shutdown).as("waits for the running job").isNotDone();
        handler.release();
        shutdown.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(handler.started()).extracting(Job::payload).containsExactly("running");
        assertThat(handler.interrupted()).isFalse();
        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.completed()).isEqualTo(1);
            assertThat(stats.running()).isZero();
            assertThat(stats.pending()).isEqualTo(2);
        });
        assertThatThrownBy(() -> engine.enqueue(job("too-late"))).isInstanceOf(QueueClosedException.class);
    }

    @Test
    void closeWhoseGraceExpiresInterruptsTheRunningJobAndLeavesItClaimableWithoutUsingAnAttempt() {
        JobStore store = store();
        WorkerEngine engine = engine(store, BACKOFF, Duration.ofMillis(100));
        BlockingHandler handler = blocking();
        engine.register(TYPE, handler);
        engine.start(Map.of(QUEUE, 1));
        engine.enqueue(job("stuck"));
        eventually(() -> assertThat(handler.started()).hasSize(1));

        engine.close();

        eventually(() -> assertThat(handler.interrupted()).isTrue());
        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.pending()).isEqualTo(1);
            assertThat(stats.running()).isZero();
            assertThat(stats.completed()).isZero();
            assertThat(stats.failed()).isZero();
        });
        engine.close();
        engine.shutdown(Duration.ZERO);
        assertThatThrownBy(() -> engine.enqueue(job("too-late"))).isInstanceOf(QueueClosedException.class);
        assertThat(single(store.claim(QUEUE, "next-process", 1, LEASE)).job().attempt())
                .as("claimable at once, its attempt not used").isEqualTo(1);
    }

    // --- two engines sharing one store ---------------------------------------------------------------

    @Test
    void twoEnginesSharingAStoreHandleEveryJobOnce() throws Exception {
        JobStore store = store();
        RecordingHandler byA = recording();
        RecordingHandler byB = recording();
        WorkerEngine a = started(store, BACKOFF, byA, Map.of(QUEUE, 2));
        WorkerEngine b = started(store, BACKOFF, byB, Map.of(QUEUE, 2));

        Set<UUID> ids = enqueueConcurrently(a, 2, 300);
        ids.addAll(enqueueConcurrently(b, 2, 300));

        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(1_200));
        List<UUID> handled = new ArrayList<>(byA.ids());
        handled.addAll(byB.ids());
        assertThat(handled).as("each job once, by one engine").hasSize(1_200).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.pending()).isZero();
            assertThat(stats.running()).isZero();
        });
    }

    @Test
    void aStoppedConsumersJobIsReclaimedByTheOtherEngineAfterItsLease() {
        JobStore store = store();
        BlockingHandler stuck = blocking();
        WorkerEngine dying = started(store, BACKOFF, stuck, Map.of(QUEUE, 1));
        UUID id = dying.enqueue(job("charge order 5").withDedupKey("process:5"));
        eventually(() -> assertThat(stuck.started()).hasSize(1));
        // The process dies: nothing is acked, released or extended any more.
        dying.halt();
        RecordingHandler handler = recording();
        WorkerEngine survivor = started(store, BACKOFF, handler, Map.of(QUEUE, 1));

        clock.advance(LEASE);
        quietly(() -> assertThat(handler.count()).as("not before the lease ends").isZero());
        clock.advance(Duration.ofMillis(1));

        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(1));
        assertThat(handler.jobs()).singleElement().satisfies(job -> {
            assertThat(job.id()).isEqualTo(id);
            assertThat(job.attempt()).as("the dead run used an attempt").isEqualTo(2);
        });
        assertThat(stats(store, QUEUE).running()).isZero();
        assertThat(failed(store, null, null)).isEmpty();
    }

    @Test
    void aLongJobWhoseLeaseIsExtendedIsNotStolenByTheOtherEngine() {
        JobStore store = store();
        CountingStore seenByLong = new CountingStore(store);
        CountingStore seenByOther = new CountingStore(store);
        BlockingHandler slow = blocking();
        WorkerEngine longRunning = started(seenByLong, BACKOFF, slow, Map.of(QUEUE, 1));
        longRunning.enqueue(job("long report"));
        eventually(() -> assertThat(slow.started()).hasSize(1));
        RecordingHandler otherHandler = recording();
        WorkerEngine other = started(seenByOther, BACKOFF, otherHandler, Map.of(QUEUE, 1));

        clock.advance(LEASE.dividedBy(2));
        eventually(() -> assertThat(seenByLong.extended()).as("extended while it runs").isPositive());
        int reclaimsBefore = seenByOther.reclaims();
        clock.advance(LEASE.dividedBy(2).plusSeconds(1));
        eventually(() -> assertThat(seenByOther.reclaims()).as("the other engine looked").isGreaterThan(reclaimsBefore));

        quietly(() -> assertThat(otherHandler.count()).as("not stolen").isZero());
        assertThat(stats(store, QUEUE).running()).isEqualTo(1);
        slow.release();
        eventually(() -> assertThat(stats(store, QUEUE).running()).isZero());
        assertThat(slow.started()).hasSize(1);
        assertThat(failed(store, null, null)).isEmpty();
    }

    @Test
    void aPauseIsSeenByBothEnginesAndAResumeLetsBothGoOn() {
        JobStore store = store();
        RecordingHandler byA = recording();
        RecordingHandler byB = recording();
        WorkerEngine a = started(store, BACKOFF, byA, Map.of(QUEUE, 2));
        WorkerEngine b = started(store, BACKOFF, byB, Map.of(QUEUE, 2));

        a.store().pause(QUEUE);
        for (int i = 0; i < 50; i++) {
            (i % 2 == 0 ? a : b).enqueue(job("paused-" + i));
        }

        quietly(() -> assertThat(byA.count() + byB.count()).as("neither engine starts a job").isZero());
        assertThat(b.store().isPaused(QUEUE)).isTrue();
        assertThat(stats(store, QUEUE).pending()).isEqualTo(50);

        b.store().resume(QUEUE);

        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(50));
        assertThat(byA.count() + byB.count()).isEqualTo(50);
    }

    @Test
    void countersAddUpTheJobsOfBothEngines() {
        JobStore store = store();
        RecordingHandler byA = recording(job -> failIfMarked(job));
        RecordingHandler byB = recording(job -> failIfMarked(job));
        WorkerEngine a = started(store, ONE_ATTEMPT, byA, Map.of(QUEUE, 1));
        WorkerEngine b = started(store, ONE_ATTEMPT, byB, Map.of(QUEUE, 1));

        for (int i = 0; i < 100; i++) {
            (i % 2 == 0 ? a : b).enqueue(job(i % 10 == 0 ? "fail-" + i : "ok-" + i));
        }

        eventually(() -> assertThat(stats(store, QUEUE).completed() + stats(store, QUEUE).failed()).isEqualTo(100));
        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.completed()).isEqualTo(90);
            assertThat(stats.failed()).isEqualTo(10);
            assertThat(stats.throughputPerMinute()).isEqualTo(90);
            assertThat(stats.pending()).isZero();
            assertThat(stats.running()).isZero();
        });
        assertThat(byA.count() + byB.count()).isEqualTo(100);
        assertThat(a.store().stats().get(QUEUE)).isEqualTo(b.store().stats().get(QUEUE));
    }

    // --- stats -----------------------------------------------------------------------------------------

    @Test
    void reportsThroughputAndWaitPercentilesByTheClock() {
        JobStore store = store();
        WorkerEngine engine = engine(store, BACKOFF, GRACE);
        engine.register(TYPE, recording());
        for (int i = 0; i < 10; i++) {
            engine.enqueue(job("job-" + i));
        }
        clock.advance(Duration.ofMillis(250));

        engine.start(Map.of(QUEUE, 1));

        eventually(() -> assertThat(stats(store, QUEUE).completed()).isEqualTo(10));
        assertThat(stats(store, QUEUE)).satisfies(stats -> {
            assertThat(stats.throughputPerMinute()).isEqualTo(10);
            assertThat(stats.waitP50Millis()).isEqualTo(250);
            assertThat(stats.waitP95Millis()).isEqualTo(250);
        });
        clock.advance(Duration.ofMinutes(3));
        assertThat(stats(store, QUEUE).throughputPerMinute()).as("only the last minute counts").isZero();
    }

    // --- helpers ---------------------------------------------------------------------------------------

    private JobStore store() {
        JobStore store = newStore(clock);
        stores.add(store);
        return store;
    }

    private WorkerEngine engine(JobStore store, RetryPolicy retryPolicy, Duration shutdownGrace) {
        WorkerEngine engine = WorkerEngine.builder(store).clock(clock).retryPolicy(retryPolicy).lease(LEASE)
                .shutdownGrace(shutdownGrace).pollInterval(POLL).reclaimInterval(POLL).consumerId("contract-engine-" + (engines.size() + 1))
                .build();
        engines.add(engine);
        return engine;
    }

    /** A started engine over {@code store} whose handler of {@link #TYPE} is {@code handler}. */
    private WorkerEngine started(JobStore store, RetryPolicy retryPolicy, JobHandler handler,
            Map<String, Integer> workers) {
        WorkerEngine engine = engine(store, retryPolicy, GRACE);
        engine.register(TYPE, handler);
        engine.start(workers);
        return engine;
    }

    private static JobRequest job(String payload) {
        return JobRequest.of(QUEUE, TYPE, payload);
    }

    private static ClaimedJob single(List<ClaimedJob> claimed) {
        assertThat(claimed).as("claimed jobs").hasSize(1);
        return claimed.get(0);
    }

    private UUID failNow(JobStore store, String payload) {
        UUID id = store.enqueue(job(payload));
        assertThat(store.fail(single(store.claim(QUEUE, "consumer-a", 1, LEASE)), "boom")).isTrue();
        return id;
    }

    private static QueueStats stats(JobStore store, String name) {
        QueueStats stats = store.stats().get(name);
        assertThat(stats).as("stats of queue %s", name).isNotNull();
        return stats;
    }

    /** Every failed job matching the filters, following the pages. */
    private static List<FailedJob> failed(JobStore store, String queue, String search) {
        List<FailedJob> all = new ArrayList<>();
        long key = Long.MAX_VALUE;
        while (true) {
            Page<FailedJob> page = store.failed(queue, search, key, 3);
            all.addAll(page.items());
            if (page.nextKey().isEmpty()) {
                return all;
            }
            key = page.nextKey().getAsLong();
        }
    }

    private static Set<UUID> enqueueConcurrently(WorkerEngine engine, int threads, int jobsPerThread)
            throws Exception {
        CountDownLatch startLine = new CountDownLatch(1);
        ExecutorService producers = Executors.newFixedThreadPool(threads);
        Set<UUID> ids = new HashSet<>();
        try {
            List<Future<List<UUID>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String prefix = engine.consumerId() + "-" + t + "-";
                results.add(producers.submit(() -> {
                    startLine.await();
                    List<UUID> enqueued = new ArrayList<>();
                    for (int i = 0; i < jobsPerThread; i++) {
                        enqueued.add(engine.enqueue(job(prefix + i)));
                    }
                    return enqueued;
                }));
            }
            startLine.countDown();
            for (Future<List<UUID>> result : results) {
                ids.addAll(result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
        } finally {
            producers.shutdownNow();
        }
        return ids;
    }

    /** Fails {@code inQueue} jobs of {@link #QUEUE} and {@code inOther} of {@link #OTHER_QUEUE}. */
    private static void failInBothQueues(WorkerEngine engine, int inQueue, int inOther) {
        for (int i = 0; i < inQueue; i++) {
            engine.enqueue(JobRequest.of(QUEUE, TYPE, "q-" + i));
        }
        for (int i = 0; i < inOther; i++) {
            engine.enqueue(JobRequest.of(OTHER_QUEUE, TYPE, "o-" + i));
        }
        eventually(() -> assertThat(failed(engine.store(), null, null)).hasSize(inQueue + inOther));
    }

    /** Waits until the handler ran {@code runs} times and the job waits again (delayed, not running). */
    private static void awaitRunsThenWaits(JobStore store, RecordingHandler handler, int runs) {
        eventually(() -> {
            assertThat(handler.count()).isEqualTo(runs);
            QueueStats stats = stats(store, QUEUE);
            assertThat(stats.running()).isZero();
            assertThat(stats.pending()).isEqualTo(1);
        });
    }

    private static JobHandler failWhile(AtomicBoolean failing) {
        return job -> {
            if (failing.get()) {
                throw new IllegalStateException("payment service unavailable");
            }
        };
    }

    private static void failIfMarked(Job job) {
        if (job.payload().startsWith("fail-")) {
            throw new IllegalStateException("failed on purpose: " + job.payload());
        }
    }

    private static void eventually(ThrowingRunnable assertion) {
        await().untilAsserted(assertion);
    }

    /** Holds for the whole quiet period: checks that something does not happen. */
    private static void quietly(ThrowingRunnable assertion) {
        await().during(QUIET).untilAsserted(assertion);
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    private static RecordingHandler recording() {
        return new RecordingHandler(job -> { });
    }

    private static RecordingHandler recording(JobHandler then) {
        return new RecordingHandler(then);
    }

    private BlockingHandler blocking() {
        BlockingHandler handler = new BlockingHandler();
        blockingHandlers.add(handler);
        return handler;
    }

    /** The store under test, counting the lease calls one engine makes. */
    private static final class CountingStore extends ForwardingJobStore {

        private final AtomicInteger extended = new AtomicInteger();
        private final AtomicInteger reclaims = new AtomicInteger();

        CountingStore(JobStore store) {
            super(store);
        }

        @Override
        public Optional<ClaimedJob> extend(ClaimedJob claim, Duration lease) {
            Optional<ClaimedJob> result = super.extend(claim, lease);
            result.ifPresent(ignored -> extended.incrementAndGet());
            return result;
        }

        @Override
        public int reclaimExpired(String queue, int maxAttempts) {
            int result = super.reclaimExpired(queue, maxAttempts);
            reclaims.incrementAndGet();
            return result;
        }

        /** The kit closes the store itself once; an engine's view of it does not. */
        @Override
        public void close() {
        }

        int extended() {
            return extended.get();
        }

        int reclaims() {
            return reclaims.get();
        }
    }

    /** Records every job it is given, then does what {@code then} does. */
    private static final class RecordingHandler implements JobHandler {

        private final Queue<Job> jobs = new ConcurrentLinkedQueue<>();
        private final JobHandler then;

        RecordingHandler(JobHandler then) {
            this.then = then;
        }

        @Override
        public void handle(Job job) throws Exception {
            jobs.add(job);
            then.handle(job);
        }

        List<Job> jobs() {
            return List.copyOf(jobs);
        }

        int count() {
            return jobs.size();
        }

        List<UUID> ids() {
            return jobs().stream().map(Job::id).collect(Collectors.toList());
        }

        List<String> payloads() {
            return jobs().stream().map(Job::payload).collect(Collectors.toList());
        }

        List<Integer> attempts() {
            return jobs().stream().map(Job::attempt).collect(Collectors.toList());
        }
    }

    /** Holds every job until released; notes whether a job was interrupted while held. */
    private static final class BlockingHandler implements JobHandler {

        private final Queue<Job> started = new ConcurrentLinkedQueue<>();
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicBoolean interrupted = new AtomicBoolean();

        @Override
        public void handle(Job job) throws InterruptedException {
            started.add(job);
            try {
                released.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        }

        void release() {
            released.countDown();
        }

        List<Job> started() {
            return List.copyOf(started);
        }

        boolean interrupted() {
            return interrupted.get();
        }
    }
}
