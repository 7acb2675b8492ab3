package io.orderkpi.core.spi;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.queue.ClaimedJob;
import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A {@link JobStore} that forwards every call to another one: the base of decorators (metrics,
 * tracing, fault injection in tests) that override only what they change. Thread-safe when the
 * delegate is; it keeps the delegate's contract as long as overrides do.
 */
public abstract class ForwardingJobStore implements JobStore {

    private final JobStore delegate;

    protected ForwardingJobStore(JobStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The store calls are forwarded to. */
    protected JobStore delegate() {
        return delegate;
    }

    @Override
    public UUID enqueue(JobRequest request) {
        return delegate.enqueue(request);
    }

    @Override
    public List<ClaimedJob> claim(String queue, String consumer, int max, Duration lease) {
        return delegate.claim(queue, consumer, max, lease);
    }

    @Override
    public boolean ack(ClaimedJob claim) {
        return delegate.ack(claim);
    }

    @Override
    public boolean release(ClaimedJob claim, Duration delay, boolean countAttempt) {
        return delegate.release(claim, delay, countAttempt);
    }

    @Override
    public boolean fail(ClaimedJob claim, String error) {
        return delegate.fail(claim, error);
    }

    @Override
    public Optional<ClaimedJob> extend(ClaimedJob claim, Duration lease) {
        return delegate.extend(claim, lease);
    }

    @Override
    public int reclaimExpired(String queue, int maxAttempts) {
        return delegate.reclaimExpired(queue, maxAttempts);
    }

    @Override
    public void pause(String queue) {
        delegate.pause(queue);
    }

    @Override
    public void resume(String queue) {
        delegate.resume(queue);
    }

    @Override
    public boolean isPaused(String queue) {
        return delegate.isPaused(queue);
    }

    @Override
    public long clear(String queue) {
        return delegate.clear(queue);
    }

    @Override
    public Map<String, QueueStats> stats() {
        return delegate.stats();
    }

    @Override
    public Page<FailedJob> failed(@Nullable String queue, @Nullable String search, long beforeKey, int limit) {
        return delegate.failed(queue, search, beforeKey, limit);
    }

    @Override
    public boolean retryFailed(UUID jobId) {
        return delegate.retryFailed(jobId);
    }

    @Override
    public boolean forgetFailed(UUID jobId) {
        return delegate.forgetFailed(jobId);
    }

    @Override
    public long retryAllFailed(@Nullable String queue) {
        return delegate.retryAllFailed(queue);
    }

    @Override
    public long forgetAllFailed(@Nullable String queue) {
        return delegate.forgetAllFailed(queue);
    }

    @Override
    public int purgeFailed(Instant cutoff) {
        return delegate.purgeFailed(cutoff);
    }

    @Override
    public Runnable onJobsAvailable(Consumer<String> listener) {
        return delegate.onJobsAvailable(listener);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
