package io.orderkpi.server;

import io.orderkpi.server.http.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long server-side tasks started over HTTP (a KPI backfill) that answer 202 with an id: one
 * thread, a short queue (429 when full, as such tasks are heavy and rare), and the last
 * {@value #KEPT} outcomes kept in memory so the id can be looked up. Thread-safe.
 */
public final class BackgroundJobs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundJobs.class);
    static final int KEPT = 100;

    /**
     * A task's state as the API shows it.
     *
     * @param state  queued, running, completed or failed
     * @param result what the task returned (a summary), when completed
     */
    public record JobStatus(UUID jobId, String kind, String state, Object request, Object result, String error,
            Instant createdAt, Instant finishedAt) {
    }

    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final Map<UUID, JobStatus> jobs = new LinkedHashMap<>();

    BackgroundJobs(Clock clock) {
        this.clock = clock;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4), runnable -> {
            Thread thread = new Thread(runnable, "okpi-background");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Queues a task; returns its queued status.
     *
     * @throws ApiException 429 when too many tasks are waiting
     */
    public JobStatus submit(String kind, Object request, Supplier<Object> task) {
        UUID id = UUID.randomUUID();
        JobStatus queued = new JobStatus(id, kind, "queued", request, null, null, clock.instant(), null);
        put(queued);
        try {
            executor.execute(() -> run(queued, task));
        } catch (RejectedExecutionException e) {
            remove(id);
            throw ApiException.tooManyRequests("Too many background tasks waiting; try again later");
        }
        return queued;
    }

    private void run(JobStatus queued, Supplier<Object> task) {
        put(with(queued, "running", null, null, null));
        try {
            Object result = task.get();
            put(with(queued, "completed", result, null, clock.instant()));
            LOG.info("{} {} completed: {}", queued.kind(), queued.jobId(), result);
        } catch (RuntimeException e) {
            put(with(queued, "failed", null, e.getMessage(), clock.instant()));
            LOG.warn("{} {} failed", queued.kind(), queued.jobId(), e);
        }
    }

    private static JobStatus with(JobStatus s, String state, Object result, String error, Instant finished) {
        return new JobStatus(s.jobId(), s.kind(), state, s.request(), result, error, s.createdAt(), finished);
    }

    public synchronized Optional<JobStatus> find(UUID id) {
        return Optional.ofNullable(jobs.get(id));
    }

    private synchronized void put(JobStatus status) {
        jobs.put(status.jobId(), status);
        while (jobs.size() > KEPT) {
            jobs.remove(jobs.keySet().iterator().next());
        }
    }

    private synchronized void remove(UUID id) {
        jobs.remove(id);
    }

    /** Stops taking tasks; a running one is interrupted after a short wait. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
