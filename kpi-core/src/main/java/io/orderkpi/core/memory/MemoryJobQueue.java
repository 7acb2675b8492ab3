package io.orderkpi.core.memory;

import io.orderkpi.core.Nullable;
import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.queue.Job;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueStats;
import io.orderkpi.core.queue.RetryLaterException;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.spi.JobHandler;
import io.orderkpi.core.spi.JobQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory {@link JobQueue}: the default back-end of one process. Jobs live only in this
 * object, so they do not survive a restart; the start-up sweep of SPEC §8 re-creates the work.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread, including from inside a
 * handler. One lock guards all queue state; handlers run outside it.
 *
 * <p><b>Threads:</b> {@link #start} creates {@code n} non-daemon worker threads per queue, named
 * {@code okpi-<queue>-<n>}. They are owned by this object and end in {@link #shutdown}, which
 * stops taking jobs, waits up to the grace period for running jobs, then interrupts the rest and
 * puts them back to pending (a late result of theirs is ignored), and finally joins the workers
 * for at most 5 more seconds.
 *
 * <p><b>Time:</b> due times, backoff, throughput and wait times all follow the injected
 * {@link Clock}. While delayed jobs exist one worker per queue re-reads the clock at least every
 * 10 ms, so a clock moved by a test is noticed promptly.
 */
public final class MemoryJobQueue implements JobQueue {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryJobQueue.class);

    /** How often a worker re-reads the clock while a queue holds delayed jobs. */
    static final long DELAYED_POLL_MILLIS = 10;

    /** How many recent starts the wait percentiles cover. */
    static final int WAIT_WINDOW = 1_000;

    /** How long shutdown waits for interrupted workers to end before it gives up on them. */
    private static final Duration WORKER_EXIT_TIMEOUT = Duration.ofSeconds(5);

    private enum State { NEW, STARTED, STOPPING, TERMINATED }

    private final Clock clock;
    private final RetryPolicy retryPolicy;
    private final Duration shutdownGrace;
    private final Map<String, JobHandler> handlers = new ConcurrentHashMap<>();

    // Everything below is guarded by lock.
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a job stops running, for shutdown's wait. */
    private final Condition jobFinished = lock.newCondition();
    /** Signalled when shutdown is complete, for concurrent callers of shutdown. */
    private final Condition terminated = lock.newCondition();
    private final Map<String, QueueState> queues = new HashMap<>();
    /** Failed jobs in the order they failed; the public view reverses it. */
    private final Map<UUID, FailedEntry> failed = new LinkedHashMap<>();
    /** Dedup key to the id of the pending or running job holding it. */
    private final Map<String, UUID> dedupKeys = new HashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private State state = State.NEW;
    private long nextSequence;

    private MemoryJobQueue(Builder builder) {
        this.clock = builder.clock;
        this.retryPolicy = builder.retryPolicy;
        this.shutdownGrace = builder.shutdownGrace;
    }

    /** A builder with the defaults: the UTC system clock, {@link RetryPolicy#DEFAULT}, 30 s grace. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void register(String jobType, JobHandler handler) {
        Objects.requireNonNull(jobType, "jobType");
        Objects.requireNonNull(handler, "handler");
        if (handlers.putIfAbsent(jobType, handler) != null) {
            throw new IllegalStateException("Job type '" + jobType + "' already has a handler; register each type once");
        }
    }

    @Override
    public void start(Map<String, Integer> workersPerQueue) {
        Objects.requireNonNull(workersPerQueue, "workersPerQueue");
        workersPerQueue.forEach((queue, count) -> {
            if (count == null || count < 1) {
                throw new IllegalArgumentException("Queue '" + queue + "' needs at least one worker, got " + count);
            }
        });
        lock.lock();
        try {
            if (state != State.NEW) {
                throw new IllegalStateException("MemoryJobQueue is already " + (state == State.STARTED ? "started" : "shut down"));
            }
            state = State.STARTED;
            new TreeMap<>(workersPerQueue).forEach((name, count) -> {
                QueueState queue = queue(name);
                for (int n = 1; n <= count; n++) {
                    Thread worker = new Thread(() -> work(queue), "okpi-" + name + "-" + n);
                    worker.setDaemon(false);
                    workers.add(worker);
                    worker.start();
                }
            });
            LOG.debug("Started {} workers: {}", workers.size(), workersPerQueue);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public UUID enqueue(JobRequest request) {
        Objects.requireNonNull(request, "request");
        lock.lock();
        try {
            if (isClosed()) {
                throw new IllegalStateException("MemoryJobQueue is shut down; cannot enqueue a '" + request.type()
                        + "' job into queue '" + request.queue() + "'");
            }
            String key = request.dedupKey();
            if (key != null) {
                UUID holder = dedupKeys.get(key);
                if (holder != null) {
                    return holder;
                }
            }
            Instant now = clock.instant();
            Entry entry = new Entry(UUID.randomUUID(), request, now);
            if (key != null) {
                dedupKeys.put(key, entry.id);
            }
            QueueState queue = queue(request.queue());
            makeReady(queue, entry, now);
            return entry.id;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void pause(String queue) {
        lock.lock();
        try {
            queue(queue).paused = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resume(String queue) {
        lock.lock();
        try {
            QueueState q = queue(queue);
            q.paused = false;
            q.available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isPaused(String queue) {
        lock.lock();
        try {
            QueueState q = queues.get(queue);
            return q != null && q.paused;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long clear(String queue) {
        lock.lock();
        try {
            QueueState q = queues.get(queue);
            if (q == null) {
                return 0;
            }
            long removed = q.pending();
            q.ready.forEach(this::releaseDedupKey);
            q.delayed.forEach(this::releaseDedupKey);
            q.ready.clear();
            q.delayed.clear();
            LOG.debug("Cleared {} pending jobs of queue '{}'", removed, queue);
            return removed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<String, QueueStats> stats() {
        lock.lock();
        try {
            Instant now = clock.instant();
            Map<String, Long> failedByQueue = new HashMap<>();
            failed.values().forEach(f -> failedByQueue.merge(f.job.queue(), 1L, Long::sum));
            Map<String, QueueStats> stats = new TreeMap<>();
            queues.forEach((name, q) -> stats.put(name, new QueueStats(name, q.paused, q.pending(), q.running.size(),
                    q.completed, failedByQueue.getOrDefault(name, 0L), q.throughput.countUpTo(now),
                    q.waits.percentile(50), q.waits.percentile(95))));
            return Collections.unmodifiableMap(stats);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<FailedJob> failed(@Nullable String queue, @Nullable String search) {
        String needle = search == null ? null : search.toLowerCase(Locale.ROOT);
        lock.lock();
        try {
            List<FailedJob> result = new ArrayList<>();
            for (FailedEntry entry : failed.values()) {
                FailedJob job = entry.job;
                if ((queue == null || queue.equals(job.queue())) && (needle == null || matches(job, needle))) {
                    result.add(job);
                }
            }
            Collections.reverse(result);
            return List.copyOf(result);
        } finally {
            lock.unlock();
        }
    }

    private static boolean matches(FailedJob job, String lowerCaseNeedle) {
        return job.type().toLowerCase(Locale.ROOT).contains(lowerCaseNeedle)
                || job.payload().toLowerCase(Locale.ROOT).contains(lowerCaseNeedle)
                || job.lastError().toLowerCase(Locale.ROOT).contains(lowerCaseNeedle);
    }

    @Override
    public boolean retryFailed(UUID jobId) {
        Objects.requireNonNull(jobId, "jobId");
        lock.lock();
        try {
            FailedEntry entry = failed.remove(jobId);
            if (entry == null) {
                return false;
            }
            requeue(entry.entry);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean forgetFailed(UUID jobId) {
        Objects.requireNonNull(jobId, "jobId");
        lock.lock();
        try {
            return failed.remove(jobId) != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long retryAllFailed(@Nullable String queue) {
        lock.lock();
        try {
            long count = 0;
            // Oldest failure first, so the retried jobs keep the order they were enqueued in.
            for (Iterator<FailedEntry> it = failed.values().iterator(); it.hasNext(); ) {
                FailedEntry entry = it.next();
                if (queue == null || queue.equals(entry.job.queue())) {
                    it.remove();
                    requeue(entry.entry);
                    count++;
                }
            }
            return count;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long forgetAllFailed(@Nullable String queue) {
        lock.lock();
        try {
            long before = failed.size();
            failed.values().removeIf(entry -> queue == null || queue.equals(entry.job.queue()));
            return before - failed.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void shutdown(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        List<Thread> toJoin;
        lock.lock();
        try {
            if (state == State.TERMINATED) {
                return;
            }
            if (state == State.STOPPING) {
                awaitTerminationByOtherCaller();
                return;
            }
            state = State.STOPPING;
            queues.values().forEach(q -> q.available.signalAll());
            awaitRunningJobs(grace);
            abandonRunningJobs();
            toJoin = List.copyOf(workers);
        } finally {
            lock.unlock();
        }
        joinWorkers(toJoin);
        lock.lock();
        try {
            state = State.TERMINATED;
            terminated.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.debug("MemoryJobQueue shut down");
    }

    /** {@link #shutdown} with the grace period this queue was built with. */
    @Override
    public void close() {
        shutdown(shutdownGrace);
    }

    // --- shutdown steps, called with the lock held -------------------------------------------

    private void awaitTerminationByOtherCaller() {
        try {
            while (state != State.TERMINATED) {
                terminated.await();
            }
        } catch (InterruptedException e) {
            // The other caller finishes the shutdown; this one just stops waiting for it.
            Thread.currentThread().interrupt();
        }
    }

    private void awaitRunningJobs(Duration grace) {
        long nanos = saturatedNanos(grace);
        try {
            while (runningJobsOfOtherThreads() > 0 && nanos > 0) {
                nanos = jobFinished.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            // Cut the grace short: the running jobs are interrupted and left pending below.
            Thread.currentThread().interrupt();
        }
    }

    /** A handler that shuts the queue down is not waited for, or interrupted: it would wait for itself. */
    private long runningJobsOfOtherThreads() {
        Thread me = Thread.currentThread();
        return queues.values().stream().flatMap(q -> q.running.values().stream()).filter(e -> e.worker != me).count();
    }

    private void abandonRunningJobs() {
        Thread me = Thread.currentThread();
        for (QueueState queue : queues.values()) {
            List<Entry> abandoned = new ArrayList<>();
            for (Iterator<Entry> it = queue.running.values().iterator(); it.hasNext(); ) {
                Entry entry = it.next();
                if (entry.worker != me) {
                    it.remove();
                    abandoned.add(entry);
                }
            }
            // They started before anything still waiting, so they go back to the front, in order.
            abandoned.sort(Comparator.comparingLong((Entry e) -> e.startSequence).reversed());
            for (Entry entry : abandoned) {
                LOG.warn("Job {} ({}) still running after the shutdown grace; interrupting it and leaving it pending",
                        entry.id, entry.type);
                entry.abandoned = true;
                Thread worker = Objects.requireNonNull(entry.worker);
                entry.worker = null;
                queue.ready.addFirst(entry);
                worker.interrupt();
            }
        }
    }

    /** Joins the workers outside the lock (they need it to exit), for a bounded time. */
    private static void joinWorkers(List<Thread> toJoin) {
        long deadline = System.nanoTime() + WORKER_EXIT_TIMEOUT.toNanos();
        try {
            for (Thread worker : toJoin) {
                if (worker == Thread.currentThread()) {
                    continue;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(worker, remaining);
                }
                if (worker.isAlive()) {
                    LOG.warn("Worker {} did not end within {} after an interrupt; its handler ignores interrupts",
                            worker.getName(), WORKER_EXIT_TIMEOUT);
                }
            }
        } catch (InterruptedException e) {
            // Stop waiting for the workers; they were told to stop and end on their own.
            Thread.currentThread().interrupt();
        }
    }

    private static long saturatedNanos(Duration duration) {
        if (duration.isNegative()) {
            return 0;
        }
        return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : duration.toNanos();
    }

    // --- workers -------------------------------------------------------------------------------

    private void work(QueueState queue) {
        LOG.debug("Worker {} started", Thread.currentThread().getName());
        try {
            for (Entry entry = take(queue); entry != null; entry = take(queue)) {
                run(queue, entry);
                // A stray interrupt from a handler must not cancel the next job; shutdown's
                // interrupt is seen by take() through the state, not through this flag.
                if (Thread.interrupted() && !isClosedLocked()) {
                    LOG.warn("Worker {} was interrupted outside shutdown by job {} ({}); clearing the flag",
                            Thread.currentThread().getName(), entry.id, entry.type);
                }
            }
        } catch (InterruptedException e) {
            // An idle worker is interrupted only by code outside this class: it obeys and ends.
            Thread.currentThread().interrupt();
            if (!isClosedLocked()) {
                LOG.warn("Worker {} was interrupted while idle; it stops, leaving one worker fewer",
                        Thread.currentThread().getName());
            }
        }
        LOG.debug("Worker {} stopped", Thread.currentThread().getName());
    }

    /**
     * The next job of the queue, or {@code null} once the queue shuts down. One worker at a time
     * (the "leader") waits with a timeout while delayed jobs exist, the others without one, so an
     * idle pool does not spin.
     */
    private @Nullable Entry take(QueueState queue) throws InterruptedException {
        Thread me = Thread.currentThread();
        lock.lock();
        try {
            while (!isClosed()) {
                Instant now = clock.instant();
                if (!queue.paused) {
                    queue.promoteDue(now);
                    Entry entry = queue.ready.pollFirst();
                    if (entry != null) {
                        entry.worker = me;
                        entry.startSequence = nextSequence++;
                        queue.running.put(entry.id, entry);
                        queue.waits.record(Duration.between(entry.dueAt, now).toMillis());
                        return entry;
                    }
                }
                if (queue.paused || queue.delayed.isEmpty() || queue.leader != null) {
                    queue.available.await();
                } else {
                    queue.leader = me;
                    try {
                        queue.available.awaitNanos(queue.pollNanos(now));
                    } finally {
                        if (queue.leader == me) {
                            queue.leader = null;
                        }
                    }
                }
            }
            return null;
        } finally {
            // Hand over: another worker takes the next ready job, or becomes the leader.
            if (!queue.paused && (!queue.ready.isEmpty() || (queue.leader == null && !queue.delayed.isEmpty()))) {
                queue.available.signal();
            }
            lock.unlock();
        }
    }

    private void run(QueueState queue, Entry entry) {
        Job job = new Job(entry.id, entry.queue, entry.type, entry.payload, entry.failures + 1, entry.enqueuedAt);
        JobHandler handler = handlers.get(entry.type);
        if (handler == null) {
            finish(queue, entry, new Outcome.Failed(new IllegalStateException("No handler registered for job type '"
                    + entry.type + "'; register one with JobQueue.register before start"), true));
            return;
        }
        Outcome outcome;
        try {
            handler.handle(job);
            outcome = Outcome.Completed.INSTANCE;
        } catch (RetryLaterException e) {
            outcome = new Outcome.Later(e);
        } catch (InterruptedException e) {
            // Counted as a failed attempt; the flag goes back for work() to act on.
            Thread.currentThread().interrupt();
            outcome = new Outcome.Failed(e, false);
        } catch (Exception | Error e) {
            // An Error (an assertion, a linkage error) fails the attempt too: letting it kill the
            // worker would leave the job running forever and shrink the pool.
            outcome = new Outcome.Failed(e, false);
        }
        finish(queue, entry, outcome);
    }

    private void finish(QueueState queue, Entry entry, Outcome outcome) {
        lock.lock();
        try {
            if (entry.abandoned) {
                // Shutdown put it back to pending while it ran; its late outcome does not count.
                entry.abandoned = false;
                return;
            }
            queue.running.remove(entry.id);
            entry.worker = null;
            Instant now = clock.instant();
            if (outcome instanceof Outcome.Completed) {
                queue.completed++;
                queue.throughput.record(now);
                releaseDedupKey(entry);
            } else if (outcome instanceof Outcome.Later later) {
                Duration delay = later.exception.delay();
                Duration wait = delay == null || delay.isNegative() ? Duration.ZERO : delay;
                LOG.debug("Job {} ({}) asked to run again in {}: {}", entry.id, entry.type, wait,
                        later.exception.getMessage());
                delay(queue, entry, now.plus(wait));
            } else {
                fail(queue, entry, (Outcome.Failed) outcome, now);
            }
            jobFinished.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void fail(QueueState queue, Entry entry, Outcome.Failed failure, Instant now) {
        entry.failures++;
        String error = failure.error.toString();
        if (!failure.permanent && entry.failures < retryPolicy.maxAttempts()) {
            Duration backoff = retryPolicy.delayAfter(entry.failures);
            LOG.warn("Job {} ({}) failed attempt {} of {}, retrying in {}: {}", entry.id, entry.type, entry.failures,
                    retryPolicy.maxAttempts(), backoff, error);
            delay(queue, entry, now.plus(backoff));
            return;
        }
        if (failure.permanent) {
            // Our own error, not the handler's: its stack trace would only point here.
            LOG.warn("Job {} ({}) cannot run, moving it to the failed list: {}", entry.id, entry.type, error);
        } else {
            LOG.warn("Job {} ({}) failed attempt {} of {}; moving it to the failed list", entry.id, entry.type,
                    entry.failures, retryPolicy.maxAttempts(), failure.error);
        }
        releaseDedupKey(entry);
        failed.put(entry.id, new FailedEntry(entry, new FailedJob(entry.id, entry.queue, entry.type, entry.payload,
                entry.failures, error, entry.enqueuedAt, now)));
    }

    // --- queue state helpers, called with the lock held ------------------------------------------

    private QueueState queue(String name) {
        Objects.requireNonNull(name, "queue");
        return queues.computeIfAbsent(name, n -> new QueueState(lock.newCondition()));
    }

    private boolean isClosed() {
        return state == State.STOPPING || state == State.TERMINATED;
    }

    private boolean isClosedLocked() {
        lock.lock();
        try {
            return isClosed();
        } finally {
            lock.unlock();
        }
    }

    private void makeReady(QueueState queue, Entry entry, Instant now) {
        entry.dueAt = now;
        entry.sequence = nextSequence++;
        queue.ready.addLast(entry);
        queue.available.signal();
    }

    private void delay(QueueState queue, Entry entry, Instant dueAt) {
        entry.dueAt = dueAt;
        entry.sequence = nextSequence++;
        queue.delayed.add(entry);
        queue.available.signal();
    }

    /** Puts a failed job back with fresh attempts; it takes its dedup key back when still free. */
    private void requeue(Entry entry) {
        entry.failures = 0;
        if (entry.dedupKey != null) {
            dedupKeys.putIfAbsent(entry.dedupKey, entry.id);
        }
        makeReady(queue(entry.queue), entry, clock.instant());
    }

    private void releaseDedupKey(Entry entry) {
        if (entry.dedupKey != null) {
            dedupKeys.remove(entry.dedupKey, entry.id);
        }
    }

    /** One named queue. Guarded by the queue's lock. */
    private static final class QueueState {

        final Condition available;
        /** Due jobs in the order they became due (enqueue order for new jobs). */
        final ArrayDeque<Entry> ready = new ArrayDeque<>();
        /** Retries and later runs, by due time. */
        final PriorityQueue<Entry> delayed = new PriorityQueue<>(
                Comparator.comparing((Entry e) -> e.dueAt).thenComparingLong(e -> e.sequence));
        final Map<UUID, Entry> running = new LinkedHashMap<>();
        final ThroughputWindow throughput = new ThroughputWindow();
        final WaitTimeWindow waits = new WaitTimeWindow(WAIT_WINDOW);
        boolean paused;
        long completed;
        /** The worker waiting with a timeout for the next delayed job, if any. */
        @Nullable Thread leader;

        QueueState(Condition available) {
            this.available = available;
        }

        long pending() {
            return ready.size() + (long) delayed.size();
        }

        void promoteDue(Instant now) {
            for (Entry head = delayed.peek(); head != null && !head.dueAt.isAfter(now); head = delayed.peek()) {
                ready.addLast(delayed.poll());
            }
        }

        /** Until the next delayed job is due by the clock, but never longer than the poll interval. */
        long pollNanos(Instant now) {
            Entry head = Objects.requireNonNull(delayed.peek());
            long untilDue = saturatedNanos(Duration.between(now, head.dueAt));
            return Math.max(1, Math.min(untilDue, TimeUnit.MILLISECONDS.toNanos(DELAYED_POLL_MILLIS)));
        }
    }

    /** A job inside the queue. Mutable fields are guarded by the queue's lock. */
    private static final class Entry {

        final UUID id;
        final String queue;
        final String type;
        final String payload;
        final @Nullable String dedupKey;
        final Instant enqueuedAt;
        Instant dueAt;
        long sequence;
        long startSequence;
        /** Counted failed attempts; a later run or an interrupted run does not count. */
        int failures;
        /** The worker running it, while it runs. */
        @Nullable Thread worker;
        /** Set by shutdown when it puts the running job back to pending. */
        boolean abandoned;

        Entry(UUID id, JobRequest request, Instant enqueuedAt) {
            this.id = id;
            this.queue = request.queue();
            this.type = request.type();
            this.payload = request.payload();
            this.dedupKey = request.dedupKey();
            this.enqueuedAt = enqueuedAt;
            this.dueAt = enqueuedAt;
        }
    }

    private record FailedEntry(Entry entry, FailedJob job) {
    }

    /** How one run of a handler ended. */
    private sealed interface Outcome {

        enum Completed implements Outcome { INSTANCE }

        record Later(RetryLaterException exception) implements Outcome {
        }

        /** @param permanent goes to the failed list at once (no handler), whatever attempts remain */
        record Failed(Throwable error, boolean permanent) implements Outcome {
        }
    }

    /** Configures a {@link MemoryJobQueue}; not thread-safe, build once. */
    public static final class Builder {

        private Clock clock = Clock.systemUTC();
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Duration shutdownGrace = Duration.ofSeconds(30);

        private Builder() {
        }

        /** The clock of due times, backoff, throughput and wait times; the UTC system clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Attempts and backoff of throwing jobs; {@link RetryPolicy#DEFAULT} by default. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** How long {@link MemoryJobQueue#close()} waits for running jobs; 30 seconds by default. */
        public Builder shutdownGrace(Duration shutdownGrace) {
            Objects.requireNonNull(shutdownGrace, "shutdownGrace");
            if (shutdownGrace.isNegative()) {
                throw new IllegalArgumentException("shutdownGrace must not be negative: " + shutdownGrace);
            }
            this.shutdownGrace = shutdownGrace;
            return this;
        }

        /** A new, unstarted queue with this configuration. */
        public MemoryJobQueue build() {
            return new MemoryJobQueue(this);
        }
    }
}
