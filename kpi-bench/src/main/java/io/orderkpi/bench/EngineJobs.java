package io.orderkpi.bench;

import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.spi.JobStore;
import io.orderkpi.core.worker.WorkerEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Jobs per second through one of our job stores under a {@link WorkerEngine} with two workers
 * on one queue, the handler doing nothing: P9 and P10. The queue starts empty and the jobs are
 * enqueued while the workers consume; the clock runs from the first enqueue to the last job
 * handled.
 */
final class EngineJobs {

    static final String QUEUE = "bench";
    static final int WORKERS = 2;
    /** About the size of an order-processing job's payload. */
    static final String PAYLOAD = "{\"orderId\":1234567,\"step\":\"charge\",\"attempt\":1}";
    private static final Duration BOUND = Duration.ofMinutes(5);

    private EngineJobs() {
    }

    /** Runs {@code jobs} no-op jobs through {@code store} (closed by the caller); jobs per second. */
    static double run(JobStore store, Clock clock, int jobs) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(jobs);
        try (WorkerEngine engine = WorkerEngine.builder(store).clock(clock).lease(Duration.ofSeconds(60)).build()) {
            engine.register(QUEUE, job -> done.countDown());
            engine.start(Map.of(QUEUE, WORKERS));
            long start = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                engine.enqueue(JobRequest.of(QUEUE, QUEUE, PAYLOAD));
            }
            if (!done.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + (jobs - done.getCount()) + " of " + jobs + " jobs ran within "
                        + BOUND.toMinutes() + " minutes");
            }
            return Pairs.perSecond(jobs, System.nanoTime() - start);
        }
    }
}
