package io.orderkpi.core.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.memory.MemoryJobStore;
import io.orderkpi.core.queue.ClaimedJob;
import io.orderkpi.core.queue.Job;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueClosedException;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.queue.QueueStats;
import io.orderkpi.core.spi.ForwardingJobStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the worker engine does beyond the JobStore contract (kpi-testkit checks that, engines included). */
class WorkerEngineTest {

    private static final String QUEUE = QueueNames.ORDER_PROCESSING;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final MemoryJobStore store = new MemoryJobStore();
    private final WorkerEngine engine = WorkerEngine.builder(store).shutdownGrace(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void namesItsNonDaemonThreadsByQueueAndStopsThemAtShutdown() {
        engine.start(Map.of(QueueNames.ORDERS_IMPORT, 2, QueueNames.REFUNDS, 1));

        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("okpi-"))
                .collect(Collectors.toList());
        assertThat(threads).extracting(Thread::getName).containsExactlyInAnyOrder(
                "okpi-orders-import-1", "okpi-orders-import-2", "okpi-refunds-1", "okpi-leases");
        assertThat(threads).noneMatch(Thread::isDaemon);

        engine.close();

        assertThat(threads).noneMatch(Thread::isAlive);
    }

    @Test
    void keepsTheWorkerWhenAHandlerThrowsAnError() {
        Queue<String> handled = new ConcurrentLinkedQueue<>();
        engine.register("job", job -> {
            handled.add(job.payload());
            if (job.payload().equals("bad")) {
                throw new AssertionError("broken invariant");
            }
        });
        engine.start(Map.of(QUEUE, 1));

        engine.enqueue(JobRequest.of(QUEUE, "job", "bad"));
        engine.enqueue(JobRequest.of(QUEUE, "job", "good"));

        await().atMost(TIMEOUT).until(() -> stats().completed() == 1);
        assertThat(handled).containsExactly("bad", "good");
        assertThat(stats().pending()).as("the failed attempt waits for its backoff").isEqualTo(1);
    }

    @Test
    void doesNotLetAStrayInterruptFromOneJobCancelTheNext() {
        AtomicBoolean nextSawInterrupt = new AtomicBoolean();
        engine.register("self-interrupting", job -> Thread.currentThread().interrupt());
        engine.register("next", job -> {
            try {
                new CountDownLatch(0).await();
            } catch (InterruptedException e) {
                nextSawInterrupt.set(true);
                throw e;
            }
        });
        engine.start(Map.of(QUEUE, 1));

        engine.enqueue(JobRequest.of(QUEUE, "self-interrupting", ""));
        engine.enqueue(JobRequest.of(QUEUE, "next", ""));

        await().atMost(TIMEOUT).until(() -> stats().completed() == 2);
        assertThat(nextSawInterrupt).isFalse();
    }

    @Test
    void aHandlerThatShutsTheEngineDownDoesNotWaitForItself() {
        AtomicReference<Duration> shutdownTook = new AtomicReference<>();
        engine.register("stop", (Job job) -> {
            long start = System.nanoTime();
            engine.shutdown(Duration.ofSeconds(30));
            shutdownTook.set(Duration.ofNanos(System.nanoTime() - start));
        });
        engine.start(Map.of(QUEUE, 1));

        engine.enqueue(JobRequest.of(QUEUE, "stop", ""));

        await().atMost(TIMEOUT).until(() -> stats().completed() == 1);
        assertThat(shutdownTook.get()).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> engine.enqueue(JobRequest.of(QUEUE, "stop", "")))
                .isInstanceOf(QueueClosedException.class).hasMessageContaining("'stop'").hasMessageContaining(QUEUE);
    }

    @Test
    void startsANewJobAtOnceThroughTheStoresWakeUpNotAtTheNextPoll() {
        // A poll interval longer than the test's timeout: only the wake-up can start the jobs.
        WorkerEngine slowPoller = WorkerEngine.builder(store).pollInterval(Duration.ofHours(1)).build();
        try {
            AtomicInteger runs = new AtomicInteger();
            slowPoller.register("job", job -> runs.incrementAndGet());
            slowPoller.start(Map.of(QUEUE, 2));
            // Let both workers reach their wait first, so the jobs below arrive at idle workers.
            await().atMost(TIMEOUT).until(() -> store.stats().containsKey(QUEUE));

            for (int i = 0; i < 3; i++) {
                slowPoller.enqueue(JobRequest.of(QUEUE, "job", "n" + i));
                int expected = i + 1;
                await().atMost(TIMEOUT).until(() -> runs.get() == expected);
            }
        } finally {
            slowPoller.close();
        }
    }

    @Test
    void keepsClaimingAfterTheStoreWasUnavailableForAWhile() {
        AtomicInteger failuresLeft = new AtomicInteger(3);
        FlakyStore flaky = new FlakyStore(store, failuresLeft);
        WorkerEngine overFlaky = WorkerEngine.builder(flaky).pollInterval(Duration.ofMillis(5)).build();
        try {
            AtomicInteger runs = new AtomicInteger();
            overFlaky.register("job", job -> runs.incrementAndGet());
            overFlaky.enqueue(JobRequest.of(QUEUE, "job", "after the outage"));

            overFlaky.start(Map.of(QUEUE, 1));

            await().atMost(TIMEOUT).until(() -> runs.get() == 1);
            assertThat(failuresLeft).hasValue(0);
            await().atMost(TIMEOUT).until(() -> stats().completed() == 1);
        } finally {
            overFlaky.close();
        }
    }

    @Test
    void haltLeavesItsRunningJobClaimedForTheLeaseToExpire() {
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        engine.register("job", job -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        });
        engine.start(Map.of(QUEUE, 1));
        engine.enqueue(JobRequest.of(QUEUE, "job", "stuck"));
        await().atMost(TIMEOUT).until(() -> stats().running() == 1);

        engine.halt();

        await().atMost(TIMEOUT).untilTrue(interrupted);
        assertThat(stats()).satisfies(s -> {
            assertThat(s.running()).as("not released: a killed process releases nothing").isEqualTo(1);
            assertThat(s.pending()).isZero();
            assertThat(s.failed()).as("its interrupted outcome is not reported").isZero();
        });
        assertThatThrownBy(() -> engine.enqueue(JobRequest.of(QUEUE, "job", "late")))
                .isInstanceOf(QueueClosedException.class);
    }

    @Test
    void rejectsAQueueWithoutWorkersAndBadDurations() {
        assertThatThrownBy(() -> engine.start(Map.of(QUEUE, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(QUEUE);
        assertThatThrownBy(() -> WorkerEngine.builder(store).shutdownGrace(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shutdownGrace");
        assertThatThrownBy(() -> WorkerEngine.builder(store).lease(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
        assertThatThrownBy(() -> WorkerEngine.builder(store).pollInterval(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pollInterval");
        assertThatThrownBy(() -> WorkerEngine.builder(store).consumerId(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("consumerId");
    }

    @Test
    void refusesASecondStartAndAStartAfterShutdown() {
        engine.start(Map.of(QUEUE, 1));
        assertThatThrownBy(() -> engine.start(Map.of(QUEUE, 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
        engine.close();
        assertThatThrownBy(() -> engine.start(Map.of(QUEUE, 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("shut down");
    }

    private QueueStats stats() {
        QueueStats stats = store.stats().get(QUEUE);
        assertThat(stats).as("stats of %s", QUEUE).isNotNull();
        return stats;
    }

    /** A real memory store whose first claims fail as an unreachable server's would. */
    private static final class FlakyStore extends ForwardingJobStore {

        private final AtomicInteger failuresLeft;

        FlakyStore(MemoryJobStore store, AtomicInteger failuresLeft) {
            super(store);
            this.failuresLeft = failuresLeft;
        }

        @Override
        public List<ClaimedJob> claim(String queue, String consumer, int max, Duration lease) {
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new StoreUnavailableException("job store unreachable (test)");
            }
            return super.claim(queue, consumer, max, lease);
        }
    }
}
