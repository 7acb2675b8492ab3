package io.orderkpi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.queue.Job;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.queue.QueueStats;
import io.orderkpi.core.queue.RetryLaterException;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.spi.JobHandler;
import io.orderkpi.core.spi.JobQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * The contract of {@link JobQueue} (SPEC §8) as tests: every adapter, ours or a user's, passes
 * them all. An adapter's test subclasses this class and only says how to build a queue:
 *
 * <pre>{@code
 * class MyJobQueueContractTest extends JobQueueContract {
 *     @Override
 *     protected JobQueue newQueue(Clock clock, RetryPolicy retryPolicy, Duration shutdownGrace) {
 *         return MyJobQueue.builder().clock(clock).retryPolicy(retryPolicy)
 *                 .shutdownGrace(shutdownGrace).build();
 *     }
 * }
 * }</pre>
 *
 * <p>What {@link #newQueue} must return:
 * <ul>
 *   <li>a queue that is not started yet, and shares no jobs, failed jobs or counters with the
 *       queues of other tests (a shared back-end needs a fresh key prefix or database per call);</li>
 *   <li>one that takes every time from {@code clock} (due times, backoff, throughput, wait times):
 *       the kit passes a {@link MutableClock} that stands still until a test moves it, so a job is
 *       retried only when the test advances the clock past its backoff.</li>
 * </ul>
 * The kit closes every queue it created after each test; subclasses need no clean-up of their own
 * beyond what their back-end needs. Waits are bounded (10 s) but the tests are fast when the
 * adapter is: each waits for an event, never for a fixed time, except where it checks that
 * something does <em>not</em> happen (a short quiet period).
 */
public abstract class JobQueueContract {

    /** The queue most tests use. */
    protected static final String QUEUE = QueueNames.ORDER_PROCESSING;
    /** A second queue, for scoping. */
    protected static final String OTHER_QUEUE = QueueNames.NOTIFICATIONS;
    protected static final String TYPE = "contract-job";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long a test watches for something that must not happen. */
    private static final Duration QUIET = Duration.ofMillis(200);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final RetryPolicy BACKOFF = new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(1));
    private static final RetryPolicy ONE_ATTEMPT = new RetryPolicy(1, Duration.ofSeconds(10), Duration.ofSeconds(10));

    /** The time every queue of the kit runs on; stands still until a test moves it. */
    protected final MutableClock clock = MutableClock.at("2026-01-05T09:00:00Z");

    private final List<JobQueue> queues = new ArrayList<>();
    private final List<BlockingHandler> blockingHandlers = new ArrayList<>();

    /**
     * A new, unstarted queue of the adapter under test, isolated from every other queue the kit
     * creates.
     *
     * @param clock         the time of due times, backoff, throughput and wait times
     * @param retryPolicy   attempts and backoff of throwing jobs
     * @param shutdownGrace what {@link JobQueue#close()} waits for running jobs
     */
    protected abstract JobQueue newQueue(Clock clock, RetryPolicy retryPolicy, Duration shutdownGrace);

    @AfterEach
    void closeQueues() {
        // Release blocked handlers first, so a failed test does not hold close() for the grace.
        blockingHandlers.forEach(BlockingHandler::release);
        queues.forEach(JobQueue::close);
    }

    // --- running ------------------------------------------------------------------------------

    @Test
    void runsAJobOnceAndCountsItCompleted() {
        JobQueue queue = queue(BACKOFF, GRACE);
        RecordingHandler handler = recording();
        queue.register(TYPE, handler);
        queue.start(Map.of(QUEUE, 1, OTHER_QUEUE, 1));

        UUID id = queue.enqueue(JobRequest.of(QUEUE, TYPE, "{\"orderId\":42}"));

        eventually(() -> assertThat(stats(queue, QUEUE).completed()).isEqualTo(1));
        quietly(() -> assertThat(handler.count()).isEqualTo(1));
        assertThat(handler.jobs()).singleElement().satisfies(job -> {
            assertThat(job.id()).isEqualTo(id);
            assertThat(job.queue()).isEqualTo(QUEUE);
            assertThat(job.type()).isEqualTo(TYPE);
            assertThat(job.payload()).isEqualTo("{\"orderId\":42}");
            assertThat(job.attempt()).isEqualTo(1);
            assertThat(job.enqueuedAt()).isEqualTo(clock.instant());
        });
        assertThat(stats(queue, QUEUE)).satisfies(stats -> {
            assertThat(stats.pending()).isZero();
            assertThat(stats.running()).isZero();
            assertThat(stats.failed()).isZero();
            assertThat(stats.paused()).isFalse();
        });
        assertThat(stats(queue, OTHER_QUEUE).completed()).as("a queue with workers is listed").isZero();
    }

    @Test
    void startsJobsOfOneQueueInEnqueueOrderWithOneWorker() {
        JobQueue queue = queue(BACKOFF, GRACE);
        RecordingHandler handler = recording();
        queue.register(TYPE, handler);
        List<String> payloads = IntStream.range(0, 20).mapToObj(i -> "job-" + i).collect(Collectors.toList());
        payloads.forEach(payload -> queue.enqueue(job(payload)));
        assertThat(stats(queue, QUEUE).pending()).as("jobs enqueued before start wait").isEqualTo(20);

        queue.start(Map.of(QUEUE, 1));

        eventually(() -> assertThat(handler.count()).isEqualTo(20));
        assertThat(handler.payloads()).containsExactlyElementsOf(payloads);
    }

    @Test
    void handlersCanEnqueueJobsFromInsideAJob() {
        JobQueue queue = queue(BACKOFF, GRACE);
        RecordingHandler children = recording();
        queue.register("parent", job -> {
            queue.enqueue(JobRequest.of(QUEUE, "child", job.payload() + "/same-queue"));
            queue.enqueue(JobRequest.of(OTHER_QUEUE, "child", job.payload() + "/other-queue"));
        });
        queue.register("child", children);
        queue.start(Map.of(QUEUE, 1, OTHER_QUEUE, 1));

        queue.enqueue(JobRequest.of(QUEUE, "parent", "p"));

        eventually(() -> assertThat(children.payloads()).containsExactlyInAnyOrder("p/same-queue", "p/other-queue"));
    }

    @Test
    void losesNoJobEnqueuedConcurrentlyFromSeveralThreads() throws Exception {
        JobQueue queue = queue(BACKOFF, GRACE);
        RecordingHandler handler = recording();
        queue.register(TYPE, handler);
        queue.start(Map.of(QUEUE, 4));
        int threads = 4;
        int jobsPerThread = 500;
        CountDownLatch startLine = new CountDownLatch(1);
        ExecutorService producers = Executors.newFixedThreadPool(threads);
        Set<UUID> ids = new HashSet<>();
        try {
            List<Future<List<UUID>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(producers.submit(() -> {
                    startLine.await();
                    List<UUID> enqueued = new ArrayList<>();
                    for (int i = 0; i < jobsPerThread; i++) {
                        enqueued.add(queue.enqueue(job(thread + "-" + i)));
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

        int total = threads * jobsPerThread;
        assertThat(ids).as("every job has its own id").hasSize(total);
        eventually(() -> assertThat(stats(queue, QUEUE).completed()).isEqualTo(total));
        assertThat(new HashSet<>(handler.payloads())).hasSize(total);
        assertThat(stats(queue, QUEUE).pending()).isZero();
    }

    @Test
    void refusesASecondHandlerForATypeAndASecondStart() {
        JobQueue queue = queue(BACKOFF, GRACE);
        queue.register(TYPE, recording());

        assertThatThrownBy(() -> queue.register(TYPE, recording())).isInstanceOf(IllegalStateException.class);
        queue.start(Map.of(QUEUE, 1));
        assertThatThrownBy(() -> queue.start(Map.of(QUEUE, 1))).isInstanceOf(IllegalStateException.class);
    }

    // --- retries and the failed list ---------------------------------------------------------

    @Test
    void retriesAThrowingJobAfterItsBackoffThenFailsIt() {
        JobQueue queue = queue(BACKOFF, GRACE);
        RecordingHandler handler = recording(job -> {
            throw new IllegalStateException("card declined on attempt " + job.attempt());
        });
        queue.register(TYPE, handler);
        queue.start(Map.of(QUEUE, 1));
        Instant enqueuedAt = clock.instant();

        UUID id = queue.enqueue(job("{\"orderId\":7}"));

        awaitRunsThenWaits(queue, handler, 1);
        quietly(() -> assertThat(handler.count()).as("not rerun before the backoff").isEqualTo(1));
        clock.advance(BACKOFF.delayAfter(1).minusMillis(1));
        quietly(() -> assertThat(handler.count()).as("not rerun a millisecond early").isEqualTo(1));
        clock.advance(Duration.ofMillis(1));
        awaitRunsThenWaits(queue, handler, 2);
        clock.advance(BACKOFF.delayAfter(2));

        eventually(() -> assertThat(queue.failed(QUEUE, null)).hasSize(1));
        FailedJob failed = queue.failed(QUEUE, null).get(0);
        assertThat(failed.id()).isEqualTo(id);
        assertThat(failed.queue()).isEqualTo(QUEUE);
        assertThat(failed.type()).isEqualTo(TYPE);
        assertThat(failed.payload()).isEqualTo("{\"orderId\":7}");
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.lastError()).contains("IllegalStateException").contains("card declined on attempt 3");
        assertThat(failed.enqueuedAt()).isEqualTo(enqueuedAt);
        assertThat(handler.attempts()).containsExactly(1, 2, 3);
        assertThat(stats(queue, QUEUE)).satisfies(stats -> {
            assertThat(stats.failed()).isEqualTo(1);
            assertThat(stats.pending()).isZero();
            assertThat(stats.running()).isZero();
            assertThat(stats.completed()).isZero();
        });
    }

    @Test
    void reschedulesARetryLaterJobWithoutUsingAnAttempt() {
        // One attempt only: any counted attempt would send the job to the failed list.
        JobQueue queue = queue(ONE_ATTEMPT, GRACE);
        AtomicInteger runs = new AtomicInteger();
        Duration later = Duration.ofSeconds(30);
        RecordingHandler handler = recording(job -> {
            if (runs.incrementAndGet() <= 2) {
                throw new RetryLaterException("an earlier chunk is still missing", later);
            }
        });
        queue.register(TYPE, handler);
        queue.start(Map.of(QUEUE, 1));

        queue.enqueue(job("chunk-2"));

        awaitRunsThenWaits(queue, handler, 1);
        quietly(() -> assertThat(handler.count()).as("not rerun before its delay").isEqualTo(1));
        clock.advance(later);
        awaitRunsThenWaits(queue, handler, 2);
        clock.advance(later);
        eventually(() -> assertThat(stats(queue, QUEUE).completed()).isEqualTo(1));
        assertThat(handler.attempts()).containsExactly(1, 1, 1);
        assertThat(queue.failed(null, null)).isEmpty();
    }

    @Test
    void failsAJobWithoutAHandlerNamingItsType() {
        JobQueue queue = queue(ONE_ATTEMPT, GRACE);
        queue.start(Map.of(QUEUE, 1));

        queue.enqueue(JobRequest.of(QUEUE, "mystery-job", "{}"));

        eventually(() -> assertThat(queue.failed(QUEUE, null)).singleElement()
                .satisfies(failed -> assertThat(failed.lastError()).contains("mystery-job")));
        assertThat(stats(queue, QUEUE).completed()).isZero();
    }

    @Test
    void retriesAFailedJobWithFreshAttempts() {
        JobQueue queue = queue(ONE_ATTEMPT, GRACE);
        AtomicBoolean failing = new AtomicBoolean(true);
        RecordingHandler handler = recording(failWhile(failing));
        queue.register(TYPE, handler);
        queue.start(Map.of(QUEUE, 1));
        UUID id = queue.enqueue(job("refund-9"));
        eventually(() -> assertThat(queue.failed(QUEUE, null)).hasSize(1));
        failing.set(false);

        assertThat(queue.retryFailed(id)).isTrue();

        eventually(() -> assertThat(stats(queue, QUEUE).completed()).isEqualTo(1));
        assertThat(handler.jobs()).extracting(Job::id).containsExactly(id, id);
        assertThat(handler.attempts()).containsExactly(1, 1);
        assertThat(queue.failed(null, null)).isEmpty();
        assertThat(queue.retryFailed(id)).as("no longer failed").isFalse();
        assertThat(queue.retryFailed(UUID.randomUUID())).isFalse();
    }

    @Test
    void forgetsAFailedJob() {
        JobQueue queue = queue(ONE_ATTEMPT, GRACE);
        RecordingHandler handler = recording(failWhile(new AtomicBoolean(true)));
        queue.register(TYPE, handler);
        queue.start(Map.of(QUEUE, 1));
        UUID id = queue.enqueue(job("refund-9"));
        eventually(() -> assertThat(queue.failed(QUEUE, null)).hasSize(1));

        assertThat(queue.forgetFailed(id)).isTrue();

        assertThat(queue.forgetFailed(id)).isFalse();
        assertThat(queue.failed(null, null)).isEmpty();
        assertThat(stats(queue, QUEUE).failed()).isZero();
        quietly(() -> assertThat(handler.count()).as("a forgotten job does not run").isEqualTo(1));
    }

    @Test
    void retriesAllFailedJobsOfOneQueueOrOfEveryQueue() {
        JobQueue queue = queue(ONE_ATTEMPT, GRACE);
        AtomicBoolean failing = new AtomicBoolean(true);
        queue.register(TYPE, recording(failWhile(failing)));
        queue.start(Map.of(QUEUE, 1, OTHER_QUEUE, 1));
        failInBothQueues(queue, 2, 2);
        failing.set(false);

        assertThat(queue.retryAllFailed(QUEUE)).isEqualTo(2);

        eventually(() -> assertThat(stats(queue, QUEUE).completed()).isEqualTo(2));
        assertThat(queue.failed(null, null)).hasSize(2).allSatisfy(failed -> assertThat(failed.queue()).isEqualTo(OTHER_QUEUE));
        assertThat(queue.retryAllFailed(QUEUE)).isZero();

        assertThat(queue.retryAllFailed(null)).isEqualTo(2);

        eventually(() -> assertThat(stats(queue, OTHER_QUEUE).completed()).isEqualTo(2));
        assertThat(queue.failed(null, null)).isEmpty();
    }

    @Test
    void forgetsAllFailedJobsOfOneQueueOrOfEveryQueue() {
        JobQueue queue = queue(ONE_ATTEMPT, GRACE);
        queue.register(TYPE, recording(failWhile(new AtomicBoolean(true))));
        queue.start(Map.of(QUEUE, 1, OTHER_QUEUE, 1));
        failInBothQueues(queue, 2, 1);

        assertThat(queue.forgetAllFailed(OTHER_QUEUE)).isEqualTo(1);

        assertThat(queue.failed(null, null)).hasSize(2).allSatisfy(failed -> assertThat(failed.queue()).isEqualTo(QUEUE));
        assertThat(stats(queue, OTHER_QUEUE).failed()).isZero();

        assertThat(queue.forgetAllFailed(null)).isEqualTo(2);

        assertThat(queue.failed(null, null)).isEmpty();
        assertThat(stats(queue, QUEUE).failed()).isZero();
        assertThat(queue.forgetAllFailed(null)).isZero();
    }

    @Test
    void listsFailedJobsMostRecentFirstAndFindsThemByTypePayloadOrErrorIgnoringCase() {
        JobQueue queue = queue(ONE_ATTEMPT, GRACE);
        queue.register("charge-card", job -> {
            throw new IllegalStateException("Card DECLINED by issuer");
        });
        queue.register("send-mail", job -> {
            throw new IllegalArgumentException("mailbox full");
        });
        queue.start(Map.of(QUEUE, 1, OTHER_QUEUE, 1));
        UUID charge = queue.enqueue(JobRequest.of(QUEUE, "charge-card", "{\"orderId\":42}"));
        eventually(() -> assertThat(queue.failed(null, null)).hasSize(1));
        clock.advance(Duration.ofSeconds(1));
        UUID mail = queue.enqueue(JobRequest.of(OTHER_QUEUE, "send-mail", "{\"to\":\"Ada@Example.com\"}"));
        eventually(() -> assertThat(queue.failed(null, null)).hasSize(2));

        assertThat(queue.failed(null, null)).extracting(FailedJob::id).containsExactly(mail, charge);
        assertThat(queue.failed(null, "declined")).extracting(FailedJob::id).as("by error").containsExactly(charge);
        assertThat(queue.failed(null, "SEND-MAIL")).extracting(FailedJob::id).as("by type").containsExactly(mail);
        assertThat(queue.failed(null, "ada@EXAMPLE")).extracting(FailedJob::id).as("by payload").containsExactly(mail);
        assertThat(queue.failed(null, "\"orderId\":42")).extracting(FailedJob::id).containsExactly(charge);
        assertThat(queue.failed(null, "no such thing")).isEmpty();
        assertThat(queue.failed(QUEUE, null)).extracting(FailedJob::id).containsExactly(charge);
        assertThat(queue.failed(QUEUE, "mail")).isEmpty();
    }

    // --- pause, clear, dedup -------------------------------------------------------------------

    @Test
    void pausingLetsTheRunningJobFinishAndStartsNoOtherUntilResumed() {
        JobQueue queue = queue(BACKOFF, GRACE);
        BlockingHandler handler = blocking();
        queue.register(TYPE, handler);
        queue.start(Map.of(QUEUE, 1));
        queue.enqueue(job("first"));
        eventually(() -> assertThat(handler.started()).hasSize(1));

        queue.pause(QUEUE);
        queue.enqueue(job("second"));
        handler.release();

        assertThat(queue.isPaused(QUEUE)).isTrue();
        assertThat(queue.isPaused(OTHER_QUEUE)).isFalse();
        eventually(() -> assertThat(stats(queue, QUEUE).completed()).isEqualTo(1));
        quietly(() -> assertThat(handler.started()).as("nothing starts while paused").hasSize(1));
        assertThat(stats(queue, QUEUE)).satisfies(stats -> {
            assertThat(stats.paused()).isTrue();
            assertThat(stats.pending()).isEqualTo(1);
        });

        queue.resume(QUEUE);

        assertThat(queue.isPaused(QUEUE)).isFalse();
        eventually(() -> assertThat(stats(queue, QUEUE).completed()).isEqualTo(2));
        assertThat(handler.started()).extracting(Job::payload).containsExactly("first", "second");
    }

    @Test
    void clearRemovesPendingJobsOnlyAndLeavesTheRunningJobRunning() {
        JobQueue queue = queue(BACKOFF, GRACE);
        BlockingHandler handler = blocking();
        queue.register(TYPE, handler);
        queue.start(Map.of(QUEUE, 1));
        queue.enqueue(job("running"));
        eventually(() -> assertThat(handler.started()).hasSize(1));
        queue.enqueue(job("pending-1"));
        queue.enqueue(job("pending-2"));
        UUID keyed = queue.enqueue(job("pending-3").withDedupKey("process:3"));

        assertThat(queue.clear(QUEUE)).isEqualTo(3);

        assertThat(stats(queue, QUEUE)).satisfies(stats -> {
            assertThat(stats.pending()).isZero();
            assertThat(stats.running()).isEqualTo(1);
        });
        assertThat(queue.clear("never-used")).isZero();
        assertThat(queue.enqueue(job("again-3").withDedupKey("process:3")))
                .as("a cleared job no longer holds its dedup key").isNotEqualTo(keyed);
        handler.release();
        eventually(() -> assertThat(stats(queue, QUEUE).completed()).isEqualTo(2));
        assertThat(handler.started()).extracting(Job::payload).containsExactly("running", "again-3");
    }

    @Test
    void deduplicatesAKeyWhileItsJobIsPendingAndAcceptsItAgainAfterCompletion() {
        JobQueue queue = queue(BACKOFF, GRACE);
        RecordingHandler handler = recording();
        queue.register(TYPE, handler);
        UUID first = queue.enqueue(job("order-42").withDedupKey("process:42"));

        assertThat(queue.enqueue(job("order-42").withDedupKey("process:42"))).isEqualTo(first);
        assertThat(queue.enqueue(job("order-43").withDedupKey("process:43"))).isNotEqualTo(first);
        assertThat(stats(queue, QUEUE).pending()).isEqualTo(2);

        queue.start(Map.of(QUEUE, 1));
        eventually(() -> assertThat(stats(queue, QUEUE).completed()).isEqualTo(2));
        assertThat(handler.payloads()).containsExactly("order-42", "order-43");

        UUID again = queue.enqueue(job("order-42").withDedupKey("process:42"));

        assertThat(again).isNotEqualTo(first);
        eventually(() -> assertThat(stats(queue, QUEUE).completed()).isEqualTo(3));
    }

    @Test
    void deduplicatesAKeyWhileItsJobIsRunning() {
        JobQueue queue = queue(BACKOFF, GRACE);
        BlockingHandler handler = blocking();
        queue.register(TYPE, handler);
        queue.start(Map.of(QUEUE, 1));
        UUID running = queue.enqueue(job("order-42").withDedupKey("process:42"));
        eventually(() -> assertThat(handler.started()).hasSize(1));

        assertThat(queue.enqueue(job("order-42").withDedupKey("process:42"))).isEqualTo(running);

        handler.release();
        eventually(() -> assertThat(stats(queue, QUEUE).completed()).isEqualTo(1));
        assertThat(stats(queue, QUEUE).pending()).isZero();
        assertThat(handler.started()).hasSize(1);
    }

    @Test
    void releasesADedupKeyWhenItsJobFails() {
        JobQueue queue = queue(ONE_ATTEMPT, GRACE);
        queue.register(TYPE, recording(failWhile(new AtomicBoolean(true))));
        queue.start(Map.of(QUEUE, 1));
        UUID failed = queue.enqueue(job("order-42").withDedupKey("process:42"));
        eventually(() -> assertThat(queue.failed(QUEUE, null)).hasSize(1));

        assertThat(queue.enqueue(job("order-42").withDedupKey("process:42"))).isNotEqualTo(failed);
    }

    // --- shutdown ------------------------------------------------------------------------------

    @Test
    void shutdownLetsTheRunningJobFinishWithinGraceAndLeavesPendingJobsPending() throws Exception {
        JobQueue queue = queue(BACKOFF, GRACE);
        BlockingHandler handler = blocking();
        queue.register(TYPE, handler);
        queue.start(Map.of(QUEUE, 1));
        queue.enqueue(job("running"));
        eventually(() -> assertThat(handler.started()).hasSize(1));
        queue.enqueue(job("pending-1"));
        queue.enqueue(job("pending-2"));

        FutureTask<Void> shutdown = new FutureTask<>(() -> queue.shutdown(TIMEOUT), null);
        new Thread(shutdown, "contract-shutdown").start();
        // Refusing jobs is the visible start of a shutdown; the probe queue keeps QUEUE untouched.
        eventually(() -> assertThatThrownBy(() -> queue.enqueue(JobRequest.of("contract-probe", TYPE, "probe")))
                .isInstanceOf(IllegalStateException.class));
        assertThat(shutdown).as("waits for the running job").isNotDone();
        handler.release();
        shutdown.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(handler.started()).extracting(Job::payload).containsExactly("running");
        assertThat(handler.interrupted()).isFalse();
        assertThat(stats(queue, QUEUE)).satisfies(stats -> {
            assertThat(stats.completed()).isEqualTo(1);
            assertThat(stats.running()).isZero();
            assertThat(stats.pending()).isEqualTo(2);
        });
        assertThatThrownBy(() -> queue.enqueue(job("too-late"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWhoseGraceExpiresInterruptsTheRunningJobAndLeavesItPending() {
        JobQueue queue = queue(BACKOFF, Duration.ofMillis(100));
        BlockingHandler handler = blocking();
        queue.register(TYPE, handler);
        queue.start(Map.of(QUEUE, 1));
        queue.enqueue(job("stuck"));
        eventually(() -> assertThat(handler.started()).hasSize(1));

        queue.close();

        eventually(() -> assertThat(handler.interrupted()).isTrue());
        assertThat(stats(queue, QUEUE)).satisfies(stats -> {
            assertThat(stats.pending()).isEqualTo(1);
            assertThat(stats.running()).isZero();
            assertThat(stats.completed()).isZero();
            assertThat(stats.failed()).isZero();
        });
        queue.close();
        queue.shutdown(Duration.ZERO);
        assertThatThrownBy(() -> queue.enqueue(job("too-late"))).isInstanceOf(IllegalStateException.class);
    }

    // --- stats ---------------------------------------------------------------------------------

    @Test
    void reportsThroughputAndWaitPercentilesByTheClock() {
        JobQueue queue = queue(BACKOFF, GRACE);
        queue.register(TYPE, recording());
        for (int i = 0; i < 10; i++) {
            queue.enqueue(job("job-" + i));
        }
        clock.advance(Duration.ofMillis(250));

        queue.start(Map.of(QUEUE, 1));

        eventually(() -> assertThat(stats(queue, QUEUE).completed()).isEqualTo(10));
        assertThat(stats(queue, QUEUE)).satisfies(stats -> {
            assertThat(stats.throughputPerMinute()).isEqualTo(10);
            assertThat(stats.waitP50Millis()).isEqualTo(250);
            assertThat(stats.waitP95Millis()).isEqualTo(250);
        });
        clock.advance(Duration.ofMinutes(3));
        assertThat(stats(queue, QUEUE).throughputPerMinute()).as("only the last minute counts").isZero();
    }

    // --- helpers -------------------------------------------------------------------------------

    private JobQueue queue(RetryPolicy retryPolicy, Duration shutdownGrace) {
        JobQueue queue = newQueue(clock, retryPolicy, shutdownGrace);
        queues.add(queue);
        return queue;
    }

    private static JobRequest job(String payload) {
        return JobRequest.of(QUEUE, TYPE, payload);
    }

    private static QueueStats stats(JobQueue queue, String name) {
        QueueStats stats = queue.stats().get(name);
        assertThat(stats).as("stats of queue %s", name).isNotNull();
        return stats;
    }

    /** Fails {@code inQueue} jobs of {@link #QUEUE} and {@code inOther} of {@link #OTHER_QUEUE}. */
    private static void failInBothQueues(JobQueue queue, int inQueue, int inOther) {
        for (int i = 0; i < inQueue; i++) {
            queue.enqueue(JobRequest.of(QUEUE, TYPE, "q-" + i));
        }
        for (int i = 0; i < inOther; i++) {
            queue.enqueue(JobRequest.of(OTHER_QUEUE, TYPE, "o-" + i));
        }
        eventually(() -> assertThat(queue.failed(null, null)).hasSize(inQueue + inOther));
    }

    /** Waits until the handler ran {@code runs} times and the job waits again (delayed, not running). */
    private static void awaitRunsThenWaits(JobQueue queue, RecordingHandler handler, int runs) {
        eventually(() -> {
            assertThat(handler.count()).isEqualTo(runs);
            QueueStats stats = stats(queue, QUEUE);
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
