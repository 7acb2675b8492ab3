package io.orderkpi.core.worker;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.queue.ClaimedJob;
import io.orderkpi.core.queue.Job;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueClosedException;
import io.orderkpi.core.queue.RetryLaterException;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.spi.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs job handlers over a {@link JobStore} (SPEC §8): the worker logic, written once for every
 * store. Several engines, in one process or several, may share one store; each claims with its
 * own {@link #consumerId() consumer id}, and the store's leases make sure a job runs in one place
 * at a time.
 *
 * <p><b>What it does:</b> a pool of worker threads per queue claims due jobs (one worker polls the
 * store while the others wait, and the store's {@link JobStore#onJobsAvailable wake-up} starts new
 * jobs at once), runs the handler registered for the job's type, and reports the outcome: success
 * acks; a {@link RetryLaterException} releases the job for later without using an attempt; any
 * other throwable releases it after the {@link RetryPolicy} backoff, or fails it once its attempts
 * are used up (a job whose type has no handler fails at once). A lease thread extends the lease
 * of every job this engine holds each time a third of it has passed, and regularly
 * {@link JobStore#reclaimExpired reclaims} jobs whose consumer stopped extending theirs.
 *
 * <p><b>Threads:</b> {@link #start} creates {@code n} non-daemon worker threads per queue, named
 * {@code okpi-<queue>-<n>}, and one named {@code okpi-leases}. They are owned by this engine and
 * end in {@link #shutdown} (or {@link #halt}).
 *
 * <p><b>Shutdown</b> takes no new jobs (enqueue throws {@link QueueClosedException}), releases the
 * jobs it claimed but had not started, waits up to the grace period for running handlers, then
 * interrupts the rest and releases their jobs without using an attempt (a late outcome of theirs
 * is ignored): every unfinished job is left claimable. {@link #halt} stops like a killed process
 * instead, releasing nothing, so its jobs wait for their leases to expire.
 *
 * <p><b>Time:</b> lease extension follows the injected {@link Clock}, which should be the
 * store's; the reclaim cadence and polling are real time; delays go to the store as durations.
 *
 * <p>Thread-safe; handlers may enqueue and may even shut the engine down.
 */
public final class WorkerEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerEngine.class);

    /** How long shutdown waits for interrupted workers to end before it gives up on them. */
    private static final Duration WORKER_EXIT_TIMEOUT = Duration.ofSeconds(5);
    /** The longest wait between claims while the store keeps failing. */
    private static final Duration MAX_STORE_BACKOFF = Duration.ofSeconds(5);

    private enum State { NEW, STARTED, STOPPING, TERMINATED }

    private final JobStore store;
    private final Clock clock;
    private final RetryPolicy retryPolicy;
    private final Duration lease;
    private final Duration shutdownGrace;
    private final Duration pollInterval;
    private final Duration reclaimInterval;
    private final String consumerId;
    private final Map<String, JobHandler> handlers = new ConcurrentHashMap<>();

    // Everything below is guarded by lock.
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a held job is given up, for shutdown's wait. */
    private final Condition jobFinished = lock.newCondition();
    /** Signalled when shutdown is complete, for concurrent callers, and to stop the lease thread. */
    private final Condition stateChanged = lock.newCondition();
    private final Map<String, QueueWorkers> queues = new TreeMap<>();
    /**
     * The same pools, read by the store's wake-ups without the lock: written once by start,
     * before the wake-ups are subscribed, and never changed.
     */
    private volatile Map<String, QueueWorkers> pools = Map.of();
    /** Jobs this engine claimed and has not given up: waiting in a buffer or running. */
    private final Map<UUID, Held> held = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    /** Written under the lock; volatile so enqueue can check it without taking the lock. */
    private volatile State state = State.NEW;
    private Runnable stopWakeUps = () -> { };

    private WorkerEngine(Builder builder) {
        this.store = builder.store;
        this.clock = builder.clock;
        this.retryPolicy = builder.retryPolicy;
        this.lease = builder.lease;
        this.shutdownGrace = builder.shutdownGrace;
        this.pollInterval = builder.pollInterval;
        this.reclaimInterval = builder.reclaimInterval != null ? builder.reclaimInterval : lease.dividedBy(4);
        this.consumerId = builder.consumerId != null ? builder.consumerId
                : "pid" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A builder over {@code store} with the defaults: the UTC system clock, {@link RetryPolicy#DEFAULT},
     * a 60 s lease, 30 s grace, a 50 ms poll and a consumer id made of the process id and a random part.
     */
    public static Builder builder(JobStore store) {
        return new Builder(store);
    }

    /** The store this engine runs jobs of. */
    public JobStore store() {
        return store;
    }

    /** The id this engine claims jobs with; unique among the store's consumers. */
    public String consumerId() {
        return consumerId;
    }

    /**
     * Registers the handler of a job type, before {@link #start}.
     *
     * @throws IllegalStateException when the type already has a handler
     */
    public void register(String jobType, JobHandler handler) {
        Objects.requireNonNull(jobType, "jobType");
        Objects.requireNonNull(handler, "handler");
        if (handlers.putIfAbsent(jobType, handler) != null) {
            throw new IllegalStateException("Job type '" + jobType + "' already has a handler; register each type once");
        }
    }

    /**
     * Starts the workers: {@code workersPerQueue} threads per named queue, and the lease thread.
     * Jobs may be enqueued before; they wait.
     *
     * @throws IllegalArgumentException when a queue has fewer than one worker
     * @throws IllegalStateException    when started or shut down already
     */
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
                throw new IllegalStateException("WorkerEngine is already " + (state == State.STARTED ? "started" : "shut down"));
            }
            state = State.STARTED;
            new TreeMap<>(workersPerQueue).forEach((name, count) -> {
                QueueWorkers queue = new QueueWorkers(name, lock.newCondition());
                queues.put(name, queue);
                for (int n = 1; n <= count; n++) {
                    threads.add(newThread(() -> work(queue), "okpi-" + name + "-" + n));
                }
            });
            threads.add(newThread(this::keepLeases, "okpi-leases"));
            pools = Map.copyOf(queues);
            stopWakeUps = store.onJobsAvailable(this::wakeUp);
            threads.forEach(Thread::start);
            LOG.debug("Started {} workers as consumer {}: {}", threads.size() - 1, consumerId, workersPerQueue);
        } finally {
            lock.unlock();
        }
    }

    private static Thread newThread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(false);
        return thread;
    }

    /**
     * Adds a job to the store (or, with a dedup key held by a pending or running job, returns that
     * job's id). Works before {@link #start} too.
     *
     * @throws QueueClosedException once shutdown has begun
     */
    public UUID enqueue(JobRequest request) {
        Objects.requireNonNull(request, "request");
        if (isClosed()) {
            throw new QueueClosedException("The worker engine is shut down; cannot enqueue a '" + request.type()
                    + "' job into queue '" + request.queue() + "'");
        }
        return store.enqueue(request);
    }

    /** True once {@link #shutdown} or {@link #halt} has begun. */
    public boolean isClosed() {
        State now = state;
        return now == State.STOPPING || now == State.TERMINATED;
    }

    /** True while started and not shutting down: the workers take jobs. */
    public boolean isRunning() {
        return state == State.STARTED;
    }

    // --- shutdown --------------------------------------------------------------------------------

    /**
     * Stops taking jobs, releases claimed jobs not yet started, and waits up to {@code grace} for
     * running ones; jobs still running then are interrupted and released without using an attempt.
     * Idempotent; a concurrent caller waits for the first one to finish.
     */
    public void shutdown(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (!beginStopping()) {
            return;
        }
        releaseAll(takeBuffered(), "it was claimed but not started");
        List<Held> abandoned;
        lock.lock();
        try {
            awaitRunningJobs(grace);
            abandoned = abandonRunning();
        } finally {
            lock.unlock();
        }
        for (Held job : abandoned) {
            LOG.warn("Job {} ({}) still running after the shutdown grace; interrupting it and leaving it pending",
                    job.claim.job().id(), job.claim.job().type());
            release(job.claim, "shutdown interrupted it");
            Objects.requireNonNull(job.worker).interrupt();
        }
        terminate();
        LOG.debug("WorkerEngine {} shut down", consumerId);
    }

    /** {@link #shutdown} with the grace period this engine was built with. */
    @Override
    public void close() {
        shutdown(shutdownGrace);
    }

    /**
     * Stops at once, as a killed process would: takes no new jobs, interrupts running handlers and
     * ignores their outcome, and releases nothing, so every job it held stays claimed until its
     * lease expires and another engine reclaims it. For tests and emergencies; {@link #shutdown}
     * is the orderly way.
     */
    public void halt() {
        if (!beginStopping()) {
            return;
        }
        List<Thread> workers;
        lock.lock();
        try {
            held.values().forEach(job -> job.abandoned = true);
            held.clear();
            workers = List.copyOf(threads);
        } finally {
            lock.unlock();
        }
        workers.stream().filter(thread -> thread != Thread.currentThread()).forEach(Thread::interrupt);
        terminate();
        LOG.debug("WorkerEngine {} halted; its jobs wait for their leases to expire", consumerId);
    }

    /** Moves to STOPPING; false when another call did (having waited for it to finish). */
    private boolean beginStopping() {
        lock.lock();
        try {
            if (state == State.TERMINATED) {
                return false;
            }
            if (state == State.STOPPING) {
                awaitTerminationByOtherCaller();
                return false;
            }
            state = State.STOPPING;
            stopWakeUps.run();
            queues.values().forEach(q -> q.changed.signalAll());
            stateChanged.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void terminate() {
        List<Thread> toJoin;
        lock.lock();
        try {
            toJoin = List.copyOf(threads);
        } finally {
            lock.unlock();
        }
        joinThreads(toJoin);
        lock.lock();
        try {
            state = State.TERMINATED;
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void awaitTerminationByOtherCaller() {
        try {
            while (state != State.TERMINATED) {
                stateChanged.await();
            }
        } catch (InterruptedException e) {
            // The other caller finishes the shutdown; this one just stops waiting for it.
            Thread.currentThread().interrupt();
        }
    }

    private List<ClaimedJob> takeBuffered() {
        lock.lock();
        try {
            List<ClaimedJob> buffered = new ArrayList<>();
            for (QueueWorkers queue : queues.values()) {
                for (Held job : queue.buffer) {
                    job.abandoned = true;
                    held.remove(job.claim.job().id());
                    buffered.add(job.claim);
                }
                queue.buffer.clear();
            }
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    private void awaitRunningJobs(Duration grace) {
        long nanos = saturatedNanos(grace);
        try {
            while (runningJobsOfOtherThreads() > 0 && nanos > 0) {
                nanos = jobFinished.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            // Cut the grace short: the running jobs are interrupted and released below.
            Thread.currentThread().interrupt();
        }
    }

    /** A handler that shuts the engine down is not waited for, or interrupted: it would wait for itself. */
    private long runningJobsOfOtherThreads() {
        Thread me = Thread.currentThread();
        return held.values().stream().filter(job -> job.worker != me).count();
    }

    /** The running jobs of other threads, given up: their late outcome will be ignored. */
    private List<Held> abandonRunning() {
        Thread me = Thread.currentThread();
        List<Held> abandoned = new ArrayList<>();
        for (Held job : List.copyOf(held.values())) {
            if (job.worker != me && !job.reporting) {
                job.abandoned = true;
                held.remove(job.claim.job().id());
                abandoned.add(job);
            }
        }
        return abandoned;
    }

    private void releaseAll(List<ClaimedJob> claims, String why) {
        claims.forEach(claim -> release(claim, why));
    }

    private void release(ClaimedJob claim, String why) {
        try {
            store.release(claim, Duration.ZERO, false);
        } catch (RuntimeException e) {
            LOG.warn("Job {} ({}) could not be released ({}); it waits for its lease to expire: {}",
                    claim.job().id(), claim.job().type(), why, e.toString());
        }
    }

    /** Joins the threads outside the lock (they need it to exit), for a bounded time. */
    private static void joinThreads(List<Thread> toJoin) {
        long deadline = System.nanoTime() + WORKER_EXIT_TIMEOUT.toNanos();
        try {
            for (Thread thread : toJoin) {
                if (thread == Thread.currentThread()) {
                    continue;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
                }
                if (thread.isAlive()) {
                    LOG.warn("Thread {} did not end within {} after an interrupt; its handler ignores interrupts",
                            thread.getName(), WORKER_EXIT_TIMEOUT);
                }
            }
        } catch (InterruptedException e) {
            // Stop waiting for the threads; they were told to stop and end on their own.
            Thread.currentThread().interrupt();
        }
    }

    private static long saturatedNanos(Duration duration) {
        if (duration.isNegative()) {
            return 0;
        }
        return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : duration.toNanos();
    }

    // --- workers -----------------------------------------------------------------------------------

    /**
     * The store's wake-up. With every worker of the queue busy there is nobody to wake, and the
     * lock is not taken: a worker becomes idle (under the lock) before it claims, so it either is
     * counted here or claims after the new job was stored.
     */
    private void wakeUp(String queueName) {
        QueueWorkers queue = pools.get(queueName);
        if (queue == null || queue.idle == 0) {
            return;
        }
        lock.lock();
        try {
            queue.wakeUps++;
            queue.changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void work(QueueWorkers queue) {
        LOG.debug("Worker {} started", Thread.currentThread().getName());
        try {
            for (Held job = next(queue); job != null; job = next(queue)) {
                run(job);
                // A stray interrupt from a handler must not cancel the next job; shutdown's
                // interrupt is seen by next() through the state, not through this flag.
                if (Thread.interrupted() && !isClosed()) {
                    LOG.warn("Worker {} was interrupted outside shutdown by job {} ({}); clearing the flag",
                            Thread.currentThread().getName(), job.claim.job().id(), job.claim.job().type());
                }
            }
        } catch (InterruptedException e) {
            // An idle worker is interrupted by halt, or by code outside this class: it ends.
            Thread.currentThread().interrupt();
            if (!isClosed()) {
                LOG.warn("Worker {} was interrupted while idle; it stops, leaving one worker fewer",
                        Thread.currentThread().getName());
            }
        }
        LOG.debug("Worker {} stopped", Thread.currentThread().getName());
    }

    /**
     * The next job for this worker, or {@code null} once the engine stops. One worker at a time
     * (the poller) claims from the store, as many jobs as there are idle workers, and then waits
     * for a wake-up or the poll interval; the others wait for it to hand jobs over.
     */
    private @Nullable Held next(QueueWorkers queue) throws InterruptedException {
        Thread me = Thread.currentThread();
        lock.lock();
        queue.idle++;
        try {
            while (state == State.STARTED) {
                Held job = queue.buffer.pollFirst();
                if (job != null) {
                    job.worker = me;
                    return job;
                }
                if (queue.poller != null && queue.poller != me) {
                    queue.changed.await();
                    continue;
                }
                queue.poller = me;
                long seen = queue.wakeUps;
                List<ClaimedJob> claimed = claimUnlocked(queue, queue.idle);
                if (state != State.STARTED) {
                    lock.unlock();
                    try {
                        releaseAll(claimed, "the engine stopped while it claimed");
                    } finally {
                        lock.lock();
                    }
                    break;
                }
                for (ClaimedJob claim : claimed) {
                    Held held = new Held(claim, clock.instant());
                    this.held.put(claim.job().id(), held);
                    queue.buffer.addLast(held);
                }
                if (queue.buffer.isEmpty() && queue.wakeUps == seen) {
                    queue.changed.awaitNanos(queue.waitNanos(pollInterval));
                }
            }
            return null;
        } finally {
            queue.idle--;
            if (queue.poller == me) {
                // Hand the polling (and any buffered jobs) over to the idle workers.
                queue.poller = null;
                queue.changed.signalAll();
            }
            lock.unlock();
        }
    }

    /** Claims with the lock released (the store may be remote); a failing store is retried later. */
    private List<ClaimedJob> claimUnlocked(QueueWorkers queue, int max) {
        lock.unlock();
        try {
            List<ClaimedJob> claimed = store.claim(queue.name, consumerId, max, lease);
            if (queue.storeFailures > 0) {
                LOG.info("Claims of queue '{}' work again after {} failure(s)", queue.name, queue.storeFailures);
                queue.storeFailures = 0;
            }
            return claimed;
        } catch (RuntimeException e) {
            if (queue.storeFailures++ == 0) {
                LOG.warn("Claiming jobs of queue '{}' failed; retrying with backoff: {}", queue.name, e.toString());
            }
            return List.of();
        } finally {
            lock.lock();
        }
    }

    private void run(Held held) {
        Job job = held.claim.job();
        JobHandler handler = handlers.get(job.type());
        Outcome outcome;
        if (handler == null) {
            outcome = new Outcome.Failed(new IllegalStateException("No handler registered for job type '"
                    + job.type() + "'; register one with WorkerEngine.register before start"), true);
        } else {
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
                // worker would leave the job claimed until its lease expires and shrink the pool.
                outcome = new Outcome.Failed(e, false);
            }
        }
        finish(held, outcome);
    }

    private void finish(Held held, Outcome outcome) {
        lock.lock();
        try {
            if (held.abandoned) {
                // Shutdown released it while it ran, or halt left it: its late outcome does not count.
                return;
            }
            held.reporting = true;
        } finally {
            lock.unlock();
        }
        try {
            report(held.claim, outcome);
        } catch (RuntimeException e) {
            LOG.warn("The outcome of job {} ({}) could not be stored; it runs again after its lease expires: {}",
                    held.claim.job().id(), held.claim.job().type(), e.toString());
        } finally {
            lock.lock();
            try {
                this.held.remove(held.claim.job().id());
                jobFinished.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void report(ClaimedJob claim, Outcome outcome) {
        Job job = claim.job();
        boolean stored;
        if (outcome instanceof Outcome.Completed) {
            stored = store.ack(claim);
        } else if (outcome instanceof Outcome.Later later) {
            Duration delay = later.exception.delay();
            Duration wait = delay == null || delay.isNegative() ? Duration.ZERO : delay;
            LOG.debug("Job {} ({}) asked to run again in {}: {}", job.id(), job.type(), wait,
                    later.exception.getMessage());
            stored = store.release(claim, wait, false);
        } else {
            stored = reportFailure(claim, (Outcome.Failed) outcome);
        }
        if (!stored) {
            LOG.warn("Job {} ({}) ended after its lease was taken over by another consumer; its outcome is dropped "
                    + "and the job runs (or ran) again there", job.id(), job.type());
        }
    }

    private boolean reportFailure(ClaimedJob claim, Outcome.Failed failure) {
        Job job = claim.job();
        String error = failure.error.toString();
        if (!failure.permanent && job.attempt() < retryPolicy.maxAttempts()) {
            Duration backoff = retryPolicy.delayAfter(job.attempt());
            LOG.warn("Job {} ({}) failed attempt {} of {}, retrying in {}: {}", job.id(), job.type(), job.attempt(),
                    retryPolicy.maxAttempts(), backoff, error);
            return store.release(claim, backoff, true);
        }
        if (failure.permanent) {
            // Our own error, not the handler's: its stack trace would only point here.
            LOG.warn("Job {} ({}) cannot run, moving it to the failed list: {}", job.id(), job.type(), error);
        } else {
            LOG.warn("Job {} ({}) failed attempt {} of {}; moving it to the failed list", job.id(), job.type(),
                    job.attempt(), retryPolicy.maxAttempts(), failure.error);
        }
        return store.fail(claim, error);
    }

    // --- leases ------------------------------------------------------------------------------------

    /**
     * The lease thread: every poll interval, extends the leases that are a third used and, every
     * reclaim interval (in real time, so that a reclaim is never skipped for a clock that stands
     * still), reclaims the expired leases of this engine's queues: a dead consumer's jobs. "A third
     * used" is measured on this engine's clock from the claim or the last extension, never by
     * comparing it with the store's end of lease, so a skew between the two clocks cannot let a
     * lease run out.
     */
    private void keepLeases() {
        Duration renewAfter = lease.dividedBy(3);
        long nextReclaim = System.nanoTime();
        while (waitForNextTick()) {
            Instant now = clock.instant();
            for (Held job : held.values()) {
                if (!job.abandoned && !job.reporting && !now.isBefore(job.renewedAt.plus(renewAfter))) {
                    extend(job, now);
                }
            }
            if (System.nanoTime() - nextReclaim >= 0) {
                reclaim();
                nextReclaim = System.nanoTime() + reclaimInterval.toNanos();
            }
        }
    }

    /** Waits one poll interval; false once the engine stops. */
    private boolean waitForNextTick() {
        lock.lock();
        try {
            if (state == State.STARTED) {
                stateChanged.awaitNanos(pollInterval.toNanos());
            }
            return state == State.STARTED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void extend(Held job, Instant now) {
        try {
            store.extend(job.claim, lease).ifPresentOrElse(extended -> {
                job.claim = extended;
                job.renewedAt = now;
            }, () -> {
                if (!job.reporting && !job.abandoned) {
                    LOG.warn("Job {} ({}) lost its lease (another consumer reclaimed it); it may run twice",
                            job.claim.job().id(), job.claim.job().type());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Extending the lease of job {} ({}) failed; trying again: {}", job.claim.job().id(),
                    job.claim.job().type(), e.toString());
        }
    }

    private void reclaim() {
        List<String> names;
        lock.lock();
        try {
            names = List.copyOf(queues.keySet());
        } finally {
            lock.unlock();
        }
        for (String name : names) {
            try {
                int reclaimed = store.reclaimExpired(name, retryPolicy.maxAttempts());
                if (reclaimed > 0) {
                    LOG.warn("Reclaimed {} job(s) of queue '{}' whose consumer stopped renewing its lease", reclaimed, name);
                }
            } catch (RuntimeException e) {
                LOG.warn("Reclaiming expired jobs of queue '{}' failed; trying again: {}", name, e.toString());
            }
        }
    }

    /** The worker pool of one queue. Guarded by the engine's lock. */
    private static final class QueueWorkers {

        final String name;
        final Condition changed;
        /** Claimed jobs no worker has taken yet; at most as many as idle workers. */
        final ArrayDeque<Held> buffer = new ArrayDeque<>();
        /** Workers inside next(); written under the lock, read without it by wake-ups. */
        volatile int idle;
        /** The worker that claims from the store, if any. */
        @Nullable Thread poller;
        /** Counts the store's wake-ups, so one that came during a claim is not slept through. */
        long wakeUps;
        /** Claims that failed in a row: the poller waits longer while the store is down. */
        int storeFailures;

        QueueWorkers(String name, Condition changed) {
            this.name = name;
            this.changed = changed;
        }

        long waitNanos(Duration pollInterval) {
            if (storeFailures == 0) {
                return pollInterval.toNanos();
            }
            Duration backoff = pollInterval.multipliedBy(1L << Math.min(storeFailures, 10));
            return (backoff.compareTo(MAX_STORE_BACKOFF) > 0 ? MAX_STORE_BACKOFF : backoff).toNanos();
        }
    }

    /** A job this engine claimed. Fields are guarded by the engine's lock, except where volatile. */
    private static final class Held {

        /** The latest claim (extensions move its end of lease). */
        volatile ClaimedJob claim;
        /** When, by the engine's clock, it was claimed or last extended. Only the lease thread writes it later. */
        volatile Instant renewedAt;
        /** The worker running it; null while buffered. */
        @Nullable Thread worker;
        /** Given up by shutdown or halt: its outcome is not reported. */
        volatile boolean abandoned;
        /** Its outcome is being stored: shutdown waits for it rather than abandoning it. */
        volatile boolean reporting;

        Held(ClaimedJob claim, Instant renewedAt) {
            this.claim = claim;
            this.renewedAt = renewedAt;
        }
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

    /** Configures a {@link WorkerEngine}; not thread-safe, build once. */
    public static final class Builder {

        private final JobStore store;
        private Clock clock = Clock.systemUTC();
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Duration lease = Duration.ofSeconds(60);
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private Duration pollInterval = Duration.ofMillis(50);
        private @Nullable Duration reclaimInterval;
        private @Nullable String consumerId;

        private Builder(JobStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** The clock of lease extension and reclaim: the store's; the UTC system clock by default. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Attempts and backoff of throwing jobs; {@link RetryPolicy#DEFAULT} by default. */
        public Builder retryPolicy(RetryPolicy value) {
            this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
            return this;
        }

        /**
         * How long a claim holds a job without an extension (ORDERKPI_CLAIM_IDLE_SECONDS; 60 s by
         * default): a dead consumer's jobs are reclaimed this long after its last extension.
         */
        public Builder lease(Duration value) {
            this.lease = positive(value, "lease");
            return this;
        }

        /** How long {@link WorkerEngine#close()} waits for running jobs; 30 seconds by default. */
        public Builder shutdownGrace(Duration value) {
            Objects.requireNonNull(value, "shutdownGrace");
            if (value.isNegative()) {
                throw new IllegalArgumentException("shutdownGrace must not be negative: " + value);
            }
            this.shutdownGrace = value;
            return this;
        }

        /**
         * How often an idle queue asks the store for due jobs, and the lease thread looks at the
         * clock (50 ms by default). New jobs start at once when the store has wake-ups; this bounds
         * how late a delayed retry starts.
         */
        public Builder pollInterval(Duration value) {
            this.pollInterval = positive(value, "pollInterval");
            return this;
        }

        /**
         * How often, in real time, the engine asks the store to reclaim expired leases of its queues
         * (default: a quarter of the lease). A dead consumer's job restarts at most this long after
         * its lease ended.
         */
        public Builder reclaimInterval(Duration value) {
            this.reclaimInterval = positive(value, "reclaimInterval");
            return this;
        }

        /** The id this engine claims with; unique per engine among the store's consumers. */
        public Builder consumerId(String value) {
            Objects.requireNonNull(value, "consumerId");
            if (value.isBlank()) {
                throw new IllegalArgumentException("consumerId must not be blank");
            }
            this.consumerId = value;
            return this;
        }

        /** A new, unstarted engine. */
        public WorkerEngine build() {
            return new WorkerEngine(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
