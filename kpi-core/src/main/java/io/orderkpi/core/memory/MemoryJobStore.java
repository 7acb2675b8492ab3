package io.orderkpi.core.memory;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.queue.ClaimedJob;
import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.queue.Job;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueStats;
import io.orderkpi.core.spi.JobStore;
import io.orderkpi.core.spi.JobWakeUps;
import io.orderkpi.core.spi.Page;
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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The in-memory {@link JobStore}: the default of one process, shared by every worker engine of
 * that process. Jobs live only in this object, so they do not survive a restart; the start-up
 * sweep of SPEC §8 re-creates the work.
 *
 * <p><b>Thread-safety:</b> one lock guards all state; every method is one step under it, so each
 * is atomic as the SPI asks. Listeners of {@link #onJobsAvailable} are called after the lock is
 * released.
 *
 * <p><b>Time</b> (due times, leases, waits, failures) follows the injected {@link Clock}.
 *
 * <p><b>Bookkeeping is bounded</b> apart from the jobs themselves: throughput is counted in 60
 * one-second buckets and wait percentiles are exact over the last {@value #WAIT_WINDOW} claims of
 * each queue.
 */
public final class MemoryJobStore implements JobStore {

    /** How many recent claims the wait percentiles cover. */
    static final int WAIT_WINDOW = 1_000;

    private final Clock clock;
    private final JobWakeUps wakeUps = new JobWakeUps();

    // Everything below is guarded by lock.
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, QueueState> queues = new HashMap<>();
    /** Failed jobs by key, the key increasing with each failure; the views read it backwards. */
    private final TreeMap<Long, FailedEntry> failed = new TreeMap<>();
    private final Map<UUID, Long> failedKeys = new HashMap<>();
    /** Dedup key to the id of the pending or running job holding it. */
    private final Map<String, UUID> dedupKeys = new HashMap<>();
    private long nextSequence;
    private long nextToken;
    private long nextFailedKey = 1;

    /** A store on the UTC system clock. */
    public MemoryJobStore() {
        this(Clock.systemUTC());
    }

    /** A store whose due times, leases, waits and failure times follow {@code clock}. */
    public MemoryJobStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public UUID enqueue(JobRequest request) {
        Objects.requireNonNull(request, "request");
        UUID id;
        lock.lock();
        try {
            String key = request.dedupKey();
            if (key != null) {
                UUID holder = dedupKeys.get(key);
                if (holder != null) {
                    return holder;
                }
            }
            Entry entry = new Entry(UUID.randomUUID(), request, clock.instant());
            if (key != null) {
                dedupKeys.put(key, entry.id);
            }
            makeReady(queue(request.queue()), entry, entry.enqueuedAt);
            id = entry.id;
        } finally {
            lock.unlock();
        }
        wakeUp(request.queue());
        return id;
    }

    @Override
    public List<ClaimedJob> claim(String queue, String consumer, int max, Duration lease) {
        Objects.requireNonNull(consumer, "consumer");
        requirePositive(lease, "lease");
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        return locked(() -> {
            QueueState q = queue(queue);
            if (q.paused) {
                return List.of();
            }
            Instant now = clock.instant();
            q.promoteDue(now);
            List<ClaimedJob> claimed = new ArrayList<>(Math.min(max, q.ready.size()));
            while (claimed.size() < max && !q.ready.isEmpty()) {
                Entry entry = q.ready.pollFirst();
                entry.consumer = consumer;
                entry.token = ++nextToken;
                entry.leaseUntil = now.plus(lease);
                q.running.put(entry.id, entry);
                q.waits.record(Duration.between(entry.dueAt, now).toMillis());
                claimed.add(entry.claim());
            }
            return claimed;
        });
    }

    @Override
    public boolean ack(ClaimedJob claim) {
        return locked(() -> {
            Entry entry = holder(claim);
            if (entry == null) {
                return false;
            }
            QueueState q = queue(entry.queue);
            q.running.remove(entry.id);
            q.completed++;
            q.throughput.record(clock.instant());
            releaseDedupKey(entry);
            return true;
        });
    }

    @Override
    public boolean release(ClaimedJob claim, Duration delay, boolean countAttempt) {
        Objects.requireNonNull(delay, "delay");
        boolean dueNow = delay.isZero() || delay.isNegative();
        lock.lock();
        try {
            Entry entry = holder(claim);
            if (entry == null) {
                return false;
            }
            QueueState q = queue(entry.queue);
            q.running.remove(entry.id);
            if (countAttempt) {
                entry.attempts++;
            }
            Instant now = clock.instant();
            if (dueNow) {
                makeReady(q, entry, now);
            } else {
                entry.dueAt = now.plus(delay);
                entry.sequence = nextSequence++;
                q.delayed.add(entry);
            }
        } finally {
            lock.unlock();
        }
        if (dueNow) {
            wakeUp(claim.job().queue());
        }
        return true;
    }

    @Override
    public boolean fail(ClaimedJob claim, String error) {
        Objects.requireNonNull(error, "error");
        return locked(() -> {
            Entry entry = holder(claim);
            if (entry == null) {
                return false;
            }
            queue(entry.queue).running.remove(entry.id);
            entry.attempts++;
            moveToFailed(entry, error);
            return true;
        });
    }

    @Override
    public Optional<ClaimedJob> extend(ClaimedJob claim, Duration lease) {
        requirePositive(lease, "lease");
        return locked(() -> {
            Entry entry = holder(claim);
            if (entry == null) {
                return Optional.empty();
            }
            entry.leaseUntil = clock.instant().plus(lease);
            return Optional.of(claim.extendedTo(entry.leaseUntil));
        });
    }

    @Override
    public int reclaimExpired(String queue, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        int reclaimed = 0;
        boolean madeReady = false;
        lock.lock();
        try {
            QueueState q = queues.get(Objects.requireNonNull(queue, "queue"));
            if (q == null) {
                return 0;
            }
            Instant now = clock.instant();
            for (Iterator<Entry> it = q.running.values().iterator(); it.hasNext(); ) {
                Entry entry = it.next();
                if (!entry.leaseUntil.isBefore(now)) {
                    continue;
                }
                it.remove();
                entry.attempts++;
                reclaimed++;
                if (entry.attempts >= maxAttempts) {
                    moveToFailed(entry, "Lease of consumer '" + entry.consumer + "' expired at " + entry.leaseUntil
                            + " during attempt " + entry.attempts + " of " + maxAttempts + "; the consumer stopped");
                } else {
                    makeReady(q, entry, now);
                    madeReady = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (madeReady) {
            wakeUp(queue);
        }
        return reclaimed;
    }

    @Override
    public void pause(String queue) {
        locked(() -> {
            queue(queue).paused = true;
        });
    }

    @Override
    public void resume(String queue) {
        locked(() -> {
            queue(queue).paused = false;
        });
        wakeUp(queue);
    }

    @Override
    public boolean isPaused(String queue) {
        return locked(() -> {
            QueueState q = queues.get(Objects.requireNonNull(queue, "queue"));
            return q != null && q.paused;
        });
    }

    @Override
    public long clear(String queue) {
        return locked(() -> {
            QueueState q = queues.get(Objects.requireNonNull(queue, "queue"));
            if (q == null) {
                return 0L;
            }
            long removed = q.pending();
            q.ready.forEach(this::releaseDedupKey);
            q.delayed.forEach(this::releaseDedupKey);
            q.ready.clear();
            q.delayed.clear();
            return removed;
        });
    }

    @Override
    public Map<String, QueueStats> stats() {
        return locked(() -> {
            Instant now = clock.instant();
            Map<String, Long> failedByQueue = new HashMap<>();
            failed.values().forEach(f -> failedByQueue.merge(f.job.queue(), 1L, Long::sum));
            Map<String, QueueStats> stats = new TreeMap<>();
            queues.forEach((name, q) -> stats.put(name, new QueueStats(name, q.paused, q.pending(), q.running.size(),
                    q.completed, failedByQueue.getOrDefault(name, 0L), q.throughput.countUpTo(now),
                    q.waits.percentile(50), q.waits.percentile(95))));
            return Collections.unmodifiableMap(stats);
        });
    }

    @Override
    public Page<FailedJob> failed(@Nullable String queue, @Nullable String search, long beforeKey, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        String needle = search == null ? null : search.toLowerCase(Locale.ROOT);
        return locked(() -> {
            List<FailedJob> page = new ArrayList<>();
            for (Map.Entry<Long, FailedEntry> e : failed.headMap(beforeKey, false).descendingMap().entrySet()) {
                FailedJob job = e.getValue().job;
                if ((queue != null && !queue.equals(job.queue())) || (needle != null && !matches(job, needle))) {
                    continue;
                }
                if (page.size() == limit) {
                    // One more matches: the page is full and has a successor, which starts below
                    // the last key of this page.
                    return new Page<>(List.copyOf(page), OptionalLong.of(failedKeys.get(page.get(limit - 1).id())));
                }
                page.add(job);
            }
            return new Page<>(List.copyOf(page), OptionalLong.empty());
        });
    }

    /** Type, subject and error only: the payload may hold personal data and is never searched. */
    private static boolean matches(FailedJob job, String lowerCaseNeedle) {
        return job.type().toLowerCase(Locale.ROOT).contains(lowerCaseNeedle)
                || job.subject().toLowerCase(Locale.ROOT).contains(lowerCaseNeedle)
                || job.lastError().toLowerCase(Locale.ROOT).contains(lowerCaseNeedle);
    }

    @Override
    public boolean retryFailed(UUID jobId) {
        Objects.requireNonNull(jobId, "jobId");
        String queue;
        lock.lock();
        try {
            Long key = failedKeys.get(jobId);
            if (key == null) {
                return false;
            }
            queue = requeue(removeFailed(key));
        } finally {
            lock.unlock();
        }
        wakeUp(queue);
        return true;
    }

    @Override
    public boolean forgetFailed(UUID jobId) {
        Objects.requireNonNull(jobId, "jobId");
        return locked(() -> {
            Long key = failedKeys.get(jobId);
            if (key == null) {
                return false;
            }
            removeFailed(key);
            return true;
        });
    }

    @Override
    public long retryAllFailed(@Nullable String queue) {
        Set<String> woken = new TreeSet<>();
        List<Entry> retried;
        lock.lock();
        try {
            // Oldest failure first, so the retried jobs keep the order they failed in.
            retried = removeFailedWhere(inQueue(queue));
            retried.forEach(entry -> woken.add(requeue(entry)));
        } finally {
            lock.unlock();
        }
        woken.forEach(this::wakeUp);
        return retried.size();
    }

    @Override
    public long forgetAllFailed(@Nullable String queue) {
        return locked(() -> {
            return removeFailedWhere(inQueue(queue)).size();
        });
    }

    @Override
    public int purgeFailed(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        return locked(() -> {
            return removeFailedWhere(job -> job.failedAt().isBefore(cutoff)).size();
        });
    }

    private static Predicate<FailedJob> inQueue(@Nullable String queue) {
        return job -> queue == null || queue.equals(job.queue());
    }

    @Override
    public Runnable onJobsAvailable(Consumer<String> listener) {
        return wakeUps.register(listener);
    }

    private void wakeUp(String queue) {
        wakeUps.wakeUp(queue);
    }

    // --- helpers ------------------------------------------------------------------------------

    /** Runs one step of the store under its lock: what makes each SPI method atomic. */
    private <T> T locked(Supplier<T> step) {
        lock.lock();
        try {
            return step.get();
        } finally {
            lock.unlock();
        }
    }

    private void locked(Runnable step) {
        locked(() -> {
            step.run();
            return null;
        });
    }

    // --- the helpers below are called with the lock held ------------------------------------------

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }

    private QueueState queue(String name) {
        Objects.requireNonNull(name, "queue");
        return queues.computeIfAbsent(name, n -> new QueueState());
    }

    /** The job the claim still holds, or null when the claim is stale. */
    private @Nullable Entry holder(ClaimedJob claim) {
        Objects.requireNonNull(claim, "claim");
        QueueState q = queues.get(claim.job().queue());
        Entry entry = q == null ? null : q.running.get(claim.job().id());
        return entry != null && entry.token == claim.token() && claim.consumer().equals(entry.consumer) ? entry : null;
    }

    private void makeReady(QueueState queue, Entry entry, Instant dueAt) {
        entry.dueAt = dueAt;
        entry.sequence = nextSequence++;
        queue.ready.addLast(entry);
    }

    private void moveToFailed(Entry entry, String error) {
        releaseDedupKey(entry);
        long key = nextFailedKey++;
        failed.put(key, new FailedEntry(entry, new FailedJob(entry.id, entry.queue, entry.type, entry.subject,
                entry.attempts, error, entry.enqueuedAt, clock.instant())));
        failedKeys.put(entry.id, key);
    }

    /** Removes the failed jobs {@code filter} picks, oldest failure first, and returns them. */
    private List<Entry> removeFailedWhere(Predicate<FailedJob> filter) {
        List<Entry> removed = new ArrayList<>();
        for (Long key : List.copyOf(failed.keySet())) {
            if (filter.test(failed.get(key).job)) {
                removed.add(removeFailed(key));
            }
        }
        return removed;
    }

    private Entry removeFailed(long key) {
        FailedEntry removed = failed.remove(key);
        failedKeys.remove(removed.job.id());
        return removed.entry;
    }

    /** Puts a failed job back with fresh attempts; it takes its dedup key back when still free. */
    private String requeue(Entry entry) {
        entry.attempts = 0;
        if (entry.dedupKey != null) {
            dedupKeys.putIfAbsent(entry.dedupKey, entry.id);
        }
        makeReady(queue(entry.queue), entry, clock.instant());
        return entry.queue;
    }

    private void releaseDedupKey(Entry entry) {
        if (entry.dedupKey != null) {
            dedupKeys.remove(entry.dedupKey, entry.id);
        }
    }

    /** One named queue. Guarded by the store's lock. */
    private static final class QueueState {

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

        long pending() {
            return ready.size() + (long) delayed.size();
        }

        void promoteDue(Instant now) {
            for (Entry head = delayed.peek(); head != null && !head.dueAt.isAfter(now); head = delayed.peek()) {
                ready.addLast(delayed.poll());
            }
        }
    }

    /** A job inside the store. Mutable fields are guarded by the store's lock. */
    private static final class Entry {

        final UUID id;
        final String queue;
        final String type;
        final String payload;
        final String subject;
        final @Nullable String dedupKey;
        final Instant enqueuedAt;
        Instant dueAt;
        long sequence;
        /** Attempts used: counted failures and expired leases. */
        int attempts;
        /** The current claim, while running. */
        @Nullable String consumer;
        long token;
        Instant leaseUntil = Instant.MIN;

        Entry(UUID id, JobRequest request, Instant enqueuedAt) {
            this.id = id;
            this.queue = request.queue();
            this.type = request.type();
            this.payload = request.payload();
            this.subject = request.subject();
            this.dedupKey = request.dedupKey();
            this.enqueuedAt = enqueuedAt;
            this.dueAt = enqueuedAt;
        }

        ClaimedJob claim() {
            return new ClaimedJob(new Job(id, queue, type, payload, attempts + 1, enqueuedAt),
                    Objects.requireNonNull(consumer), token, leaseUntil);
        }
    }

    private record FailedEntry(Entry entry, FailedJob job) {
    }
}
