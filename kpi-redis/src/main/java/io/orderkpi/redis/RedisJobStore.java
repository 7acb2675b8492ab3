package io.orderkpi.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.async.RedisAsyncCommands;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A {@link JobStore} on Redis Streams, shared by every process that uses the same server and
 * prefix: several worker engines in several processes claim from it, and a dead process's jobs are
 * taken back by the others once their leases end.
 *
 * <p><b>Layout</b> ({@code docs/redis.md}): every key is {@code <prefix>:{jobs}:…} (one hash slot).
 * One stream per queue ({@code q:<queue>:stream}) read by one consumer group with
 * {@code XREADGROUP}; a job's data and claim state in the hash {@code job:<id>}; delayed retries in
 * the sorted set {@code q:<queue>:delayed}, moved to the stream by the claim script when due;
 * leases in the sorted set {@code q:<queue>:leases} by their end; dedup keys as strings with a
 * TTL; the failed list as sorted sets by failure order and by failure time. An ack is
 * {@code XACK} + {@code XDEL}, so a stream holds only the entries of its ready and running jobs.
 *
 * <p><b>Atomicity and fencing:</b> every step that changes more than one key is one Lua script
 * ({@link JobScript}); ack, release, fail and extend act only while the job's hash still names the
 * claim's consumer and token, so a consumer whose lease was reclaimed changes nothing.
 *
 * <p><b>Time</b> (due times, leases, waits, failures) follows the injected {@link Clock},
 * passed to the scripts in milliseconds. Leases compare times written by different processes, so
 * the processes sharing a store should share a clock: the default is {@link RedisServerClock}, the
 * Redis server's own time. The pending list's idle times (server time) only serve the sweep of
 * stray entries ({@link Builder#strayIdle}).
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread; one multiplexed connection
 * carries them. Redis unreachable: {@link io.orderkpi.core.lang.StoreUnavailableException}.
 */
public final class RedisJobStore implements JobStore {

    /** How many failed jobs a page read takes from Redis at a time while filtering. */
    private static final int FAILED_CHUNK = 200;

    private final String base;
    private final String prefix;
    private final Clock clock;
    private final String dedupTtlMillis;
    private final String strayIdleMillis;
    private final RedisLink link;
    private final @Nullable RedisServerClock ownClock;
    private final JobWakeUps wakeUps = new JobWakeUps();

    private RedisJobStore(Builder builder) {
        this.prefix = builder.prefix;
        this.base = builder.prefix + ":{jobs}:";
        this.dedupTtlMillis = Long.toString(builder.dedupTtl.toMillis());
        this.strayIdleMillis = Long.toString(builder.strayIdle.toMillis());
        this.link = new RedisLink("The Redis job store", builder);
        if (builder.clock != null) {
            this.clock = builder.clock;
            this.ownClock = null;
        } else {
            this.ownClock = new RedisServerClock(link);
            this.clock = ownClock;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The prefix of every key, as given to the builder. */
    public String prefix() {
        return prefix;
    }

    /**
     * The clock the store measures due times and leases with: give it to the worker engines over
     * this store ({@code WorkerEngine.Builder.clock}), so they extend leases on the same time.
     */
    public Clock clock() {
        return clock;
    }

    @Override
    public UUID enqueue(JobRequest request) {
        Objects.requireNonNull(request, "request");
        String id = UUID.randomUUID().toString();
        String dedup = request.dedupKey() == null ? "" : "=" + request.dedupKey();
        String stored = link.run(JobScript.ENQUEUE, new String[0], new String[] {base, request.queue(), id,
                request.type(), request.payload(), request.subject(), dedup, now(), dedupTtlMillis},
                "enqueue a job of queue " + request.queue());
        if (stored.equals(id)) {
            wakeUp(request.queue());
        }
        return UUID.fromString(stored);
    }

    @Override
    public List<ClaimedJob> claim(String queue, String consumer, int max, Duration lease) {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(consumer, "consumer");
        requirePositive(lease, "lease");
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        Instant now = clock.instant();
        List<Object> reply = link.run(JobScript.CLAIM, new String[0], new String[] {base, queue, consumer,
                Integer.toString(max), Long.toString(now.toEpochMilli()), Long.toString(lease.toMillis()), dedupTtlMillis},
                "claim jobs of queue " + queue);
        Instant leaseUntil = Instant.ofEpochMilli(now.toEpochMilli() + lease.toMillis());
        List<ClaimedJob> claimed = new ArrayList<>(reply.size() / 6);
        for (int i = 0; i < reply.size(); i += 6) {
            Job job = new Job(UUID.fromString(text(reply.get(i))), queue, text(reply.get(i + 1)), text(reply.get(i + 2)),
                    Integer.parseInt(text(reply.get(i + 3))) + 1, Instant.ofEpochMilli(Long.parseLong(text(reply.get(i + 4)))));
            claimed.add(new ClaimedJob(job, consumer, Long.parseLong(text(reply.get(i + 5))), leaseUntil));
        }
        return claimed;
    }

    @Override
    public boolean ack(ClaimedJob claim) {
        return claimStep(JobScript.ACK, claim, "acknowledge", now());
    }

    @Override
    public boolean release(ClaimedJob claim, Duration delay, boolean countAttempt) {
        Objects.requireNonNull(delay, "delay");
        boolean released = claimStep(JobScript.RELEASE, claim, "release", now(), Long.toString(delay.toMillis()),
                countAttempt ? "1" : "0");
        if (released && (delay.isZero() || delay.isNegative())) {
            wakeUp(claim.job().queue());
        }
        return released;
    }

    @Override
    public boolean fail(ClaimedJob claim, String error) {
        Objects.requireNonNull(error, "error");
        return claimStep(JobScript.FAIL, claim, "fail", now(), error);
    }

    @Override
    public Optional<ClaimedJob> extend(ClaimedJob claim, Duration lease) {
        requirePositive(lease, "lease");
        Instant until = clock.instant().plus(lease);
        return claimStep(JobScript.EXTEND, claim, "extend the lease of", Long.toString(until.toEpochMilli()))
                ? Optional.of(claim.extendedTo(Instant.ofEpochMilli(until.toEpochMilli())))
                : Optional.empty();
    }

    /** One fenced step of a claim: the script acts only while the job's hash names this claim. */
    private boolean claimStep(LuaScript script, ClaimedJob claim, String what, String... more) {
        Objects.requireNonNull(claim, "claim");
        String[] args = new String[4 + more.length];
        args[0] = base;
        args[1] = claim.job().id().toString();
        args[2] = claim.consumer();
        args[3] = Long.toString(claim.token());
        System.arraycopy(more, 0, args, 4, more.length);
        Long done = link.run(script, new String[0], args, what + " job " + claim.job().id());
        return done == 1;
    }

    @Override
    public int reclaimExpired(String queue, int maxAttempts) {
        Objects.requireNonNull(queue, "queue");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        List<Object> reply = link.run(JobScript.RECLAIM, new String[0], new String[] {base, queue, now(),
                Integer.toString(maxAttempts), strayIdleMillis}, "reclaim expired leases of queue " + queue);
        int taken = Math.toIntExact((Long) reply.get(0));
        if (taken > 0) {
            wakeUp(queue);
        }
        return taken;
    }

    @Override
    public void pause(String queue) {
        Objects.requireNonNull(queue, "queue");
        RedisAsyncCommands<String, String> redis = link.commands();
        RedisFuture<Long> listed = redis.sadd(base + "queues", queue);
        link.await(redis.sadd(base + "paused", queue), "pause queue " + queue);
        link.await(listed, "pause queue " + queue);
    }

    @Override
    public void resume(String queue) {
        Objects.requireNonNull(queue, "queue");
        link.await(link.commands().srem(base + "paused", queue), "resume queue " + queue);
        wakeUp(queue);
    }

    @Override
    public boolean isPaused(String queue) {
        Objects.requireNonNull(queue, "queue");
        return link.await(link.commands().sismember(base + "paused", queue), "read the pause flag of queue " + queue);
    }

    @Override
    public long clear(String queue) {
        Objects.requireNonNull(queue, "queue");
        return link.<Long>run(JobScript.CLEAR, new String[0], new String[] {base, queue}, "clear queue " + queue);
    }

    @Override
    public Map<String, QueueStats> stats() {
        List<Object> reply = link.run(JobScript.STATS, new String[0], new String[] {base, now()}, "read the queue counters");
        Map<String, QueueStats> stats = new TreeMap<>();
        int i = 0;
        while (i < reply.size()) {
            String name = text(reply.get(i));
            long[] numbers = new long[7];
            for (int n = 0; n < 7; n++) {
                numbers[n] = (Long) reply.get(i + 1 + n);
            }
            int samples = Math.toIntExact(numbers[6]);
            long[] waits = new long[samples];
            for (int w = 0; w < samples; w++) {
                waits[w] = (Long) reply.get(i + 8 + w);
            }
            Arrays.sort(waits);
            stats.put(name, new QueueStats(name, numbers[0] == 1, numbers[1], numbers[2], numbers[3], numbers[4],
                    numbers[5], percentile(waits, 50), percentile(waits, 95)));
            i += 8 + samples;
        }
        return Collections.unmodifiableMap(stats);
    }

    /** The nearest-rank percentile of sorted samples, 0 when there are none. */
    static long percentile(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.ceil(percent / 100.0 * sorted.length) - 1];
    }

    @Override
    public Page<FailedJob> failed(@Nullable String queue, @Nullable String search, long beforeKey, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        String needle = search == null ? null : search.toLowerCase(Locale.ROOT);
        List<FailedJob> page = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        double below = beforeKey;
        while (true) {
            List<ScoredValue<String>> chunk = link.await(link.commands().zrevrangebyscoreWithScores(base + "failed",
                    Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(below)), Limit.create(0, FAILED_CHUNK)),
                    "read the failed jobs");
            for (FailedEntry entry : read(chunk)) {
                FailedJob job = entry.job();
                if ((queue != null && !queue.equals(job.queue())) || (needle != null && !matches(job, needle))) {
                    continue;
                }
                if (page.size() == limit) {
                    return new Page<>(page, OptionalLong.of(keys.get(limit - 1)));
                }
                page.add(job);
                keys.add(entry.key());
            }
            if (chunk.size() < FAILED_CHUNK) {
                return new Page<>(page, OptionalLong.empty());
            }
            below = chunk.get(chunk.size() - 1).getScore();
        }
    }

    private record FailedEntry(long key, FailedJob job) {
    }

    /** The failed jobs of a chunk of the failed set, read in one pipelined round trip; never the payload. */
    private List<FailedEntry> read(List<ScoredValue<String>> chunk) {
        RedisAsyncCommands<String, String> redis = link.commands();
        List<RedisFuture<List<io.lettuce.core.KeyValue<String, String>>>> reads = new ArrayList<>(chunk.size());
        for (ScoredValue<String> member : chunk) {
            reads.add(redis.hmget(base + "job:" + member.getValue(), "queue", "type", "subject", "att", "err", "enq",
                    "failedAt"));
        }
        List<FailedEntry> entries = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            List<io.lettuce.core.KeyValue<String, String>> fields = link.await(reads.get(i), "read a failed job");
            if (!fields.get(0).hasValue()) {
                continue; // forgotten between the two reads
            }
            entries.add(new FailedEntry((long) chunk.get(i).getScore(), new FailedJob(UUID.fromString(chunk.get(i).getValue()),
                    fields.get(0).getValue(), fields.get(1).getValue(), fields.get(2).getValue(),
                    Integer.parseInt(fields.get(3).getValue()), fields.get(4).getValue(),
                    Instant.ofEpochMilli(Long.parseLong(fields.get(5).getValue())),
                    Instant.ofEpochMilli(Long.parseLong(fields.get(6).getValue())))));
        }
        return entries;
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
        return retry(List.of(jobId.toString())) == 1;
    }

    @Override
    public boolean forgetFailed(UUID jobId) {
        Objects.requireNonNull(jobId, "jobId");
        return forget(List.of(jobId.toString())) == 1;
    }

    @Override
    public long retryAllFailed(@Nullable String queue) {
        // Oldest failure first, so the retried jobs keep the order they failed in.
        return retry(failedIds(job -> queue == null || queue.equals(job.queue())));
    }

    @Override
    public long forgetAllFailed(@Nullable String queue) {
        return forget(failedIds(job -> queue == null || queue.equals(job.queue())));
    }

    @Override
    public int purgeFailed(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        List<String> ids = link.await(link.commands().zrangebyscore(base + "failed:at",
                Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding((double) cutoff.toEpochMilli()))),
                "find the failed jobs to purge");
        return Math.toIntExact(forget(ids));
    }

    /** The ids of the failed jobs {@code filter} picks, oldest failure first. */
    private List<String> failedIds(Predicate<FailedJob> filter) {
        List<String> ids = new ArrayList<>();
        long key = Long.MAX_VALUE;
        while (true) {
            Page<FailedJob> page = failed(null, null, key, FAILED_CHUNK);
            page.items().stream().filter(filter).forEach(job -> ids.add(job.id().toString()));
            if (page.nextKey().isEmpty()) {
                Collections.reverse(ids);
                return ids;
            }
            key = page.nextKey().getAsLong();
        }
    }

    private long retry(List<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        List<String> args = new ArrayList<>(List.of(base, now(), dedupTtlMillis));
        args.addAll(ids);
        List<Object> queues = link.run(JobScript.RETRY, new String[0], args.toArray(String[]::new), "retry failed jobs");
        Set<String> woken = new LinkedHashSet<>();
        queues.forEach(q -> woken.add(text(q)));
        woken.forEach(this::wakeUp);
        return queues.size();
    }

    private long forget(List<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        List<String> args = new ArrayList<>(List.of(base));
        args.addAll(ids);
        return link.<Long>run(JobScript.FORGET, new String[0], args.toArray(String[]::new), "forget failed jobs");
    }

    /**
     * Tells this process's listeners only: engines of other processes find the work by polling
     * (and by their own wake-ups when they enqueue).
     */
    @Override
    public Runnable onJobsAvailable(Consumer<String> listener) {
        return wakeUps.register(listener);
    }

    private void wakeUp(String queue) {
        wakeUps.wakeUp(queue);
    }

    /** Closes the connection (and the client, when built from a URI); jobs stay in Redis. Idempotent. */
    @Override
    public void close() {
        link.close();
    }

    private String now() {
        return Long.toString(clock.millis());
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(value);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }

    /**
     * Settings of a {@link RedisJobStore}; {@link #uri} or {@link #client} is required. Not
     * thread-safe; the store it builds is.
     */
    public static final class Builder extends RedisSettings<Builder> {

        private @Nullable Clock clock;
        private Duration dedupTtl = Duration.ofDays(7);
        private Duration strayIdle = Duration.ofMinutes(10);

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * The time of due times, leases, waits and failures (default: the Redis server's time,
         * {@link RedisServerClock}, which every process sharing the store agrees on).
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long a dedup key lives at most (default 7 days), renewed by every claim of its job: a
         * safety net, so a key whose job vanished (data loss) does not block its key forever.
         */
        public Builder dedupTtl(Duration dedupTtl) {
            this.dedupTtl = positive(dedupTtl, "dedup TTL");
            return this;
        }

        /**
         * How long (server time) an entry of a stream's pending list may stay idle before the
         * reclaim sweep checks it and drops it when no running job holds it (default 10 minutes);
         * must exceed the lease extension interval, which resets the idle time of live entries.
         */
        public Builder strayIdle(Duration strayIdle) {
            this.strayIdle = positive(strayIdle, "stray idle time");
            return this;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("Redis job store " + name + " must be positive: " + value);
            }
            return value;
        }

        /** Builds the store; it connects on first use. */
        public RedisJobStore build() {
            return new RedisJobStore(this);
        }
    }
}
