package io.orderkpi.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.queue.Job;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the in-memory queue does beyond the JobQueue contract (kpi-testkit checks that). */
class MemoryJobQueueTest {

    private static final String QUEUE = QueueNames.ORDER_PROCESSING;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final MemoryJobQueue queue = MemoryJobQueue.builder().shutdownGrace(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() {
        queue.close();
    }

    @Test
    void namesItsNonDaemonWorkersByQueueAndStopsThemAtShutdown() {
        queue.start(Map.of(QueueNames.ORDERS_IMPORT, 2, QueueNames.REFUNDS, 1));

        List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("okpi-"))
                .collect(Collectors.toList());
        assertThat(workers).extracting(Thread::getName)
                .containsExactlyInAnyOrder("okpi-orders-import-1", "okpi-orders-import-2", "okpi-refunds-1");
        assertThat(workers).noneMatch(Thread::isDaemon);

        queue.close();

        assertThat(workers).noneMatch(Thread::isAlive);
    }

    @Test
    void keepsTheWorkerWhenAHandlerThrowsAnError() {
        Queue<String> handled = new ConcurrentLinkedQueue<>();
        queue.register("job", job -> {
            handled.add(job.payload());
            if (job.payload().equals("bad")) {
                throw new AssertionError("broken invariant");
            }
        });
        queue.start(Map.of(QUEUE, 1));

        queue.enqueue(JobRequest.of(QUEUE, "job", "bad"));
        queue.enqueue(JobRequest.of(QUEUE, "job", "good"));

        await().atMost(TIMEOUT).until(() -> queue.stats().get(QUEUE).completed() == 1);
        assertThat(handled).containsExactly("bad", "good");
        assertThat(queue.stats().get(QUEUE).pending()).as("the failed attempt waits for its backoff").isEqualTo(1);
    }

    @Test
    void doesNotLetAStrayInterruptFromOneJobCancelTheNext() {
        AtomicBoolean nextSawInterrupt = new AtomicBoolean();
        queue.register("self-interrupting", job -> Thread.currentThread().interrupt());
        queue.register("next", job -> {
            try {
                new CountDownLatch(0).await();
            } catch (InterruptedException e) {
                nextSawInterrupt.set(true);
                throw e;
            }
        });
        queue.start(Map.of(QUEUE, 1));

        queue.enqueue(JobRequest.of(QUEUE, "self-interrupting", ""));
        queue.enqueue(JobRequest.of(QUEUE, "next", ""));

        await().atMost(TIMEOUT).until(() -> queue.stats().get(QUEUE).completed() == 2);
        assertThat(nextSawInterrupt).isFalse();
    }

    @Test
    void aHandlerThatShutsTheQueueDownDoesNotWaitForItself() {
        AtomicReference<Duration> shutdownTook = new AtomicReference<>();
        queue.register("stop", (Job job) -> {
            long start = System.nanoTime();
            queue.shutdown(Duration.ofSeconds(30));
            shutdownTook.set(Duration.ofNanos(System.nanoTime() - start));
        });
        queue.start(Map.of(QUEUE, 1));

        queue.enqueue(JobRequest.of(QUEUE, "stop", ""));

        await().atMost(TIMEOUT).until(() -> queue.stats().get(QUEUE).completed() == 1);
        assertThat(shutdownTook.get()).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> queue.enqueue(JobRequest.of(QUEUE, "stop", ""))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsAQueueWithoutWorkersAndANegativeGrace() {
        assertThatThrownBy(() -> queue.start(Map.of(QUEUE, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(QUEUE);
        assertThatThrownBy(() -> MemoryJobQueue.builder().shutdownGrace(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
