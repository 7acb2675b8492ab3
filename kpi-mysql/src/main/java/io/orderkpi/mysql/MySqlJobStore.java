package io.orderkpi.mysql;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.queue.ClaimedJob;
import io.orderkpi.core.queue.FailedJob;
import io.orderkpi.core.queue.Job;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.queue.QueueStats;
import io.orderkpi.core.spi.JobStore;
import io.orderkpi.core.spi.JobWakeUps;
import io.orderkpi.core.spi.Page;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Query;

/**
 * A {@link JobStore} on MySQL 8.0 or MariaDB 10.6+ ({@code SKIP LOCKED}), shared by every worker
 * engine of every process that uses the database.
 *
 * <p><b>Committed leases.</b> A claim is one short transaction: {@code SELECT … FOR UPDATE SKIP
 * LOCKED} of the due jobs (rows another claim is taking are skipped, not waited for), then an
 * update that marks them running with the consumer, a new token and the lease's end, and commit.
 * No row lock is held while a handler runs; the lease is a column, and every later step of the
 * claim ({@link #ack}, {@link #release}, {@link #fail}, {@link #extend}) checks the job's id,
 * consumer and token under a row lock in its own short transaction, so a consumer whose lease was
 * {@linkplain #reclaimExpired reclaimed} changes nothing.
 *
 * <p><b>Dedup keys</b> are held through a unique column with the key's SHA-256 (any key length),
 * set while the job is pending or running. <b>Time</b> (due times, leases, waits, failures)
 * follows the given clock, truncated to the microseconds the columns keep; give every process
 * the same time source (an NTP-synchronised {@code Clock.systemUTC()}): a skewed clock moves
 * its leases and delays by the skew. Throughput is counted in per-second rows (the last 60 s
 * count) and wait percentiles are nearest-rank over the newest 1,000 claims of a queue; both
 * are trimmed by {@link #reclaimExpired}, which engines call periodically.
 *
 * <p>Thread-safe. Listeners of {@link #onJobsAvailable} hear of this process's changes only, after
 * the commit; engines of other processes find the work by polling. A database that cannot be
 * reached throws {@link io.orderkpi.core.lang.StoreUnavailableException}.
 */
public final class MySqlJobStore implements JobStore {

    /** Longest queue name, as its column holds it. */
    public static final int MAX_QUEUE_LENGTH = 64;
    /** Longest job type, as its column holds it. */
    public static final int MAX_TYPE_LENGTH = 255;
    /** How many recent claims per queue the wait percentiles cover. */
    static final int WAIT_WINDOW = 1_000;

    private static final String JOB_COLUMNS = "seq, id, queue, type, payload, subject, dedup_key, dedup_hash, "
            + "enqueued_at, due_at, attempts, running, consumer, token, lease_until";
    private static final String FAILED_COLUMNS = "failed_key, id, queue, type, subject, attempts, last_error, "
            + "enqueued_at, failed_at";

    /** A row of {@code jobs}. */
    private record Row(long seq, UUID id, String queue, String type, String payload, String subject,
            @Nullable String dedupKey, boolean holdsKey, Instant enqueuedAt, int attempts, @Nullable String consumer,
            long token, @Nullable Instant leaseUntil, Instant dueAt) {

        ClaimedJob claim() {
            return new ClaimedJob(new Job(id, queue, type, payload, attempts + 1, enqueuedAt),
                    Objects.requireNonNull(consumer), token, Objects.requireNonNull(leaseUntil));
        }
    }

    private final Db db;
    private final Clock clock;
    private final JobWakeUps wakeUps = new JobWakeUps();
    /** Queues whose {@code job_queues} row is known to be committed. */
    private final Set<String> knownQueues = ConcurrentHashMap.newKeySet();

    private MySqlJobStore(DataSource dataSource, Clock clock) {
        this.clock = clock;
        this.db = new Db(Jdbi.create(dataSource), clock, "MySQL job store");
    }

    /**
     * A job store on the caller's data source, after bringing the schema (shared with
     * {@link MySqlRecordStore}) to the current version as {@code migration} says.
     */
    public static MySqlJobStore on(DataSource dataSource, Clock clock, SchemaMigration migration) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(clock, "clock");
        MySqlSchema.apply(dataSource, migration);
        return new MySqlJobStore(dataSource, clock);
    }

    @Override
    public UUID enqueue(JobRequest request) {
        Objects.requireNonNull(request, "request");
        checkLength("queue", request.queue(), MAX_QUEUE_LENGTH);
        checkLength("type", request.type(), MAX_TYPE_LENGTH);
        UUID id = UUID.randomUUID();
        UUID stored = db.inTransaction(handle -> {
            knowQueue(handle, request.queue());
            byte[] hash = request.dedupKey() == null ? null : sha256(request.dedupKey());
            if (hash != null) {
                Optional<String> holder = handle.createQuery("SELECT id FROM jobs WHERE dedup_hash = :hash FOR UPDATE")
                        .bind("hash", hash).mapTo(String.class).findOne();
                if (holder.isPresent()) {
                    return UUID.fromString(holder.get());
                }
            }
            Instant now = db.now();
            try {
                insert(handle, new Row(0, id, request.queue(), request.type(), request.payload(), request.subject(),
                        request.dedupKey(), hash != null, now, 0, null, 0, null, now), now);
            } catch (JdbiException e) {
                // READ COMMITTED locks no missing row: a concurrent enqueue with the key inserted it
                // first. Run again; the select then finds that job.
                throw Db.isDuplicateKey(e) ? new Db.Conflict(e) : e;
            }
            return id;
        });
        if (stored.equals(id)) {
            wakeUp(request.queue());
        }
        return stored;
    }

    @Override
    public List<ClaimedJob> claim(String queue, String consumer, int max, Duration lease) {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(consumer, "consumer");
        requirePositive(lease, "lease");
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        return db.inTransaction(handle -> {
            knowQueue(handle, queue);
            if (pauseFlag(handle, queue).orElse(false)) {
                return List.<ClaimedJob>of();
            }
            Instant now = db.now();
            Instant until = Db.micros(now.plus(lease));
            List<Row> due = handle.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs FORCE INDEX (ix_jobs_due) "
                    + "WHERE queue = :queue AND running = FALSE AND due_at <= :now ORDER BY due_at, seq "
                    + "LIMIT :max FOR UPDATE SKIP LOCKED")
                    .bind("queue", queue).bind("now", Db.at(now)).bind("max", max)
                    .map((row, context) -> row(row)).list();
            if (due.isEmpty()) {
                return List.<ClaimedJob>of();
            }
            handle.createUpdate("UPDATE jobs SET running = TRUE, consumer = :consumer, token = token + 1, "
                    + "lease_until = :until WHERE seq IN (<seqs>)")
                    .bind("consumer", consumer).bind("until", Db.at(until))
                    .bindList("seqs", due.stream().map(Row::seq).toList())
                    .execute();
            Db.batch(handle, "INSERT INTO job_waits (queue, wait_millis) VALUES (?, ?)", due, (statement, row) -> {
                statement.setString(1, queue);
                statement.setLong(2, Math.max(0, Duration.between(row.dueAt(), now).toMillis()));
            });
            List<ClaimedJob> claimed = new ArrayList<>(due.size());
            for (Row row : due) {
                claimed.add(new Row(row.seq(), row.id(), row.queue(), row.type(), row.payload(), row.subject(),
                        row.dedupKey(), row.holdsKey(), row.enqueuedAt(), row.attempts(), consumer, row.token() + 1,
                        until, row.dueAt()).claim());
            }
            return claimed;
        });
    }

    @Override
    public boolean ack(ClaimedJob claim) {
        return db.inTransaction(handle -> {
            Optional<Row> held = holder(handle, claim);
            if (held.isEmpty()) {
                return false;
            }
            // Every ack of a queue updates the same counter rows, locked until the commit: on a
            // connection that allows it the three writes and the commit are one round trip, so the
            // lock lasts only while the server runs them.
            Db.runAndCommit(handle, List.of(
                    "DELETE FROM jobs WHERE seq = ?",
                    "UPDATE job_queues SET completed = completed + 1 WHERE queue = ?",
                    "INSERT INTO job_throughput (queue, second_at, acks) VALUES (?, ?, 1) "
                            + "ON DUPLICATE KEY UPDATE acks = acks + 1"),
                    held.get().seq(), held.get().queue(), held.get().queue(),
                    Db.datetime(db.now().truncatedTo(ChronoUnit.SECONDS)));
            return true;
        });
    }

    @Override
    public boolean release(ClaimedJob claim, Duration delay, boolean countAttempt) {
        Objects.requireNonNull(delay, "delay");
        boolean released = db.inTransaction(handle -> {
            Optional<Row> held = holder(handle, claim);
            if (held.isEmpty()) {
                return false;
            }
            Instant now = db.now();
            Instant dueAt = delay.isNegative() || delay.isZero() ? now : now.plus(delay);
            requeue(handle, held.get(), held.get().attempts() + (countAttempt ? 1 : 0), dueAt);
            return true;
        });
        if (released && (delay.isNegative() || delay.isZero())) {
            wakeUp(claim.job().queue());
        }
        return released;
    }

    @Override
    public boolean fail(ClaimedJob claim, String error) {
        Objects.requireNonNull(error, "error");
        return db.inTransaction(handle -> {
            Optional<Row> held = holder(handle, claim);
            if (held.isEmpty()) {
                return false;
            }
            moveToFailed(handle, held.get(), held.get().attempts() + 1, error);
            return true;
        });
    }

    @Override
    public Optional<ClaimedJob> extend(ClaimedJob claim, Duration lease) {
        requirePositive(lease, "lease");
        return db.inTransaction(handle -> {
            Optional<Row> held = holder(handle, claim);
            if (held.isEmpty()) {
                return Optional.<ClaimedJob>empty();
            }
            Instant until = Db.micros(db.now().plus(lease));
            handle.createUpdate("UPDATE jobs SET lease_until = :until WHERE seq = :seq")
                    .bind("until", Db.at(until)).bind("seq", held.get().seq()).execute();
            return Optional.of(claim.extendedTo(until));
        });
    }

    @Override
    public int reclaimExpired(String queue, int maxAttempts) {
        Objects.requireNonNull(queue, "queue");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        int[] madeReady = {0};
        int reclaimed = db.inTransaction(handle -> {
            madeReady[0] = 0;
            Instant now = db.now();
            List<Row> expired = handle.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs FORCE INDEX (ix_jobs_lease) "
                    + "WHERE queue = :queue AND running = TRUE AND lease_until < :now FOR UPDATE SKIP LOCKED")
                    .bind("queue", queue).bind("now", Db.at(now))
                    .map((row, context) -> row(row)).list();
            for (Row row : expired) {
                int attempts = row.attempts() + 1;
                if (attempts >= maxAttempts) {
                    moveToFailed(handle, row, attempts, "Lease of consumer '" + row.consumer() + "' expired at "
                            + row.leaseUntil() + " during attempt " + attempts + " of " + maxAttempts
                            + "; the consumer stopped");
                } else {
                    requeue(handle, row, attempts, now);
                    madeReady[0]++;
                }
            }
            trim(handle, queue, now);
            return expired.size();
        });
        if (madeReady[0] > 0) {
            wakeUp(queue);
        }
        return reclaimed;
    }

    /** Drops throughput rows past the window and waits past the newest {@link #WAIT_WINDOW}. */
    private static void trim(Handle handle, String queue, Instant now) {
        handle.createUpdate("DELETE FROM job_throughput WHERE queue = :queue AND second_at < :cutoff")
                .bind("queue", queue).bind("cutoff", Db.at(now.minusSeconds(120))).execute();
        handle.createQuery("SELECT id FROM job_waits WHERE queue = :queue ORDER BY id DESC LIMIT 1 OFFSET "
                + (WAIT_WINDOW - 1)).bind("queue", queue).mapTo(Long.class).findOne()
                .ifPresent(oldestKept -> handle.createUpdate("DELETE FROM job_waits WHERE queue = :queue "
                        + "AND id < :oldest").bind("queue", queue).bind("oldest", oldestKept).execute());
    }

    @Override
    public void pause(String queue) {
        setPaused(queue, true);
    }

    @Override
    public void resume(String queue) {
        setPaused(queue, false);
        wakeUp(queue);
    }

    private void setPaused(String queue, boolean paused) {
        Objects.requireNonNull(queue, "queue");
        checkLength("queue", queue, MAX_QUEUE_LENGTH);
        db.inTransaction(handle -> handle.createUpdate("INSERT INTO job_queues (queue, paused, completed) "
                + "VALUES (:queue, :paused, 0) ON DUPLICATE KEY UPDATE paused = :paused")
                .bind("queue", queue).bind("paused", paused).execute());
    }

    @Override
    public boolean isPaused(String queue) {
        Objects.requireNonNull(queue, "queue");
        return db.read(handle -> pauseFlag(handle, queue).orElse(false));
    }

    /** The queue's pause flag; empty for a queue the store has not seen. */
    private static Optional<Boolean> pauseFlag(Handle handle, String queue) {
        return handle.createQuery("SELECT paused FROM job_queues WHERE queue = :queue").bind("queue", queue)
                .mapTo(Boolean.class).findOne();
    }

    @Override
    public long clear(String queue) {
        Objects.requireNonNull(queue, "queue");
        return db.inTransaction(handle -> (long) handle.createUpdate("DELETE FROM jobs WHERE queue = :queue "
                + "AND running = FALSE").bind("queue", queue).execute());
    }

    @Override
    public Map<String, QueueStats> stats() {
        return db.read(handle -> {
            Instant now = db.now();
            Map<String, long[]> counts = new HashMap<>();
            handle.createQuery("SELECT queue, running, COUNT(*) AS n FROM jobs GROUP BY queue, running")
                    .map((row, context) -> {
                        counts.computeIfAbsent(row.getString("queue"), key -> new long[3])
                                [row.getBoolean("running") ? 1 : 0] = row.getLong("n");
                        return null;
                    }).list();
            handle.createQuery("SELECT queue, COUNT(*) AS n FROM failed_jobs GROUP BY queue")
                    .map((row, context) -> {
                        counts.computeIfAbsent(row.getString("queue"), key -> new long[3])[2] = row.getLong("n");
                        return null;
                    }).list();
            Map<String, Long> throughput = new HashMap<>();
            handle.createQuery("SELECT queue, SUM(acks) AS n FROM job_throughput WHERE second_at > :since "
                    + "GROUP BY queue").bind("since", Db.at(now.minusSeconds(60)))
                    .map((row, context) -> throughput.put(row.getString("queue"), row.getLong("n"))).list();
            Map<String, QueueStats> stats = new TreeMap<>();
            handle.createQuery("SELECT queue, paused, completed FROM job_queues").map((row, context) -> {
                String queue = row.getString("queue");
                long[] n = counts.getOrDefault(queue, new long[3]);
                List<Long> waits = handle.createQuery("SELECT wait_millis FROM job_waits WHERE queue = :queue "
                        + "ORDER BY id DESC LIMIT " + WAIT_WINDOW).bind("queue", queue).mapTo(Long.class).list();
                return new QueueStats(queue, row.getBoolean("paused"), n[0], n[1], row.getLong("completed"), n[2],
                        throughput.getOrDefault(queue, 0L), percentile(waits, 50), percentile(waits, 95));
            }).forEach(queueStats -> stats.put(queueStats.queue(), queueStats));
            return Collections.unmodifiableMap(stats);
        });
    }

    /** The nearest-rank percentile, 0 for no sample. */
    private static long percentile(List<Long> samples, int percent) {
        if (samples.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(rank - 1);
    }

    @Override
    public Page<FailedJob> failed(@Nullable String queue, @Nullable String search, long beforeKey, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        StringBuilder sql = new StringBuilder("SELECT " + FAILED_COLUMNS + " FROM failed_jobs "
                + "WHERE failed_key < :before");
        if (queue != null) {
            sql.append(" AND queue = :queue");
        }
        if (search != null) {
            // Type, subject and error only: the payload may hold personal data and is never searched.
            sql.append(" AND (LOWER(type) LIKE :needle ESCAPE '!' OR LOWER(subject) LIKE :needle ESCAPE '!' "
                    + "OR LOWER(last_error) LIKE :needle ESCAPE '!')");
        }
        sql.append(" ORDER BY failed_key DESC LIMIT :limit");
        List<Map.Entry<Long, FailedJob>> rows = db.read(handle -> {
            Query query = handle.createQuery(sql.toString()).bind("before", beforeKey).bind("limit", limit + 1);
            if (queue != null) {
                query.bind("queue", queue);
            }
            if (search != null) {
                query.bind("needle", "%" + search.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%")
                        .replace("_", "!_") + "%");
            }
            return query.map((row, context) -> Map.entry(row.getLong("failed_key"), failedJob(row))).list();
        });
        Page<Map.Entry<Long, FailedJob>> page = PageQuery.page(rows, limit, Map.Entry::getKey);
        return new Page<>(page.items().stream().map(Map.Entry::getValue).toList(), page.nextKey());
    }

    @Override
    public boolean retryFailed(UUID jobId) {
        Objects.requireNonNull(jobId, "jobId");
        Optional<String> queue = db.inTransaction(handle -> handle.createQuery("SELECT failed_key, queue "
                + "FROM failed_jobs WHERE id = :id FOR UPDATE").bind("id", jobId.toString())
                .map((row, context) -> Map.entry(row.getLong("failed_key"), row.getString("queue"))).findOne()
                .map(found -> {
                    requeueFailed(handle, found.getKey());
                    return found.getValue();
                }));
        queue.ifPresent(this::wakeUp);
        return queue.isPresent();
    }

    @Override
    public boolean forgetFailed(UUID jobId) {
        Objects.requireNonNull(jobId, "jobId");
        return db.inTransaction(handle -> handle.createUpdate("DELETE FROM failed_jobs WHERE id = :id")
                .bind("id", jobId.toString()).execute() > 0);
    }

    @Override
    public long retryAllFailed(@Nullable String queue) {
        List<String> woken = new ArrayList<>();
        long retried = db.inTransaction(handle -> {
            woken.clear();
            // Oldest failure first, so the retried jobs keep the order they failed in.
            List<Map.Entry<Long, String>> keys = handle.createQuery("SELECT failed_key, queue FROM failed_jobs"
                    + (queue == null ? "" : " WHERE queue = :queue") + " ORDER BY failed_key FOR UPDATE")
                    .bindMap(queue == null ? Map.of() : Map.of("queue", queue))
                    .map((row, context) -> Map.entry(row.getLong("failed_key"), row.getString("queue"))).list();
            for (Map.Entry<Long, String> key : keys) {
                requeueFailed(handle, key.getKey());
                if (!woken.contains(key.getValue())) {
                    woken.add(key.getValue());
                }
            }
            return (long) keys.size();
        });
        woken.forEach(this::wakeUp);
        return retried;
    }

    @Override
    public long forgetAllFailed(@Nullable String queue) {
        return db.inTransaction(handle -> (long) (queue == null
                ? handle.createUpdate("DELETE FROM failed_jobs").execute()
                : handle.createUpdate("DELETE FROM failed_jobs WHERE queue = :queue").bind("queue", queue).execute()));
    }

    @Override
    public int purgeFailed(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        return db.inTransaction(handle -> handle.createUpdate("DELETE FROM failed_jobs WHERE failed_at < :cutoff")
                .bind("cutoff", Db.at(Db.micros(cutoff))).execute());
    }

    @Override
    public Runnable onJobsAvailable(Consumer<String> listener) {
        return wakeUps.register(listener);
    }

    private void wakeUp(String queue) {
        wakeUps.wakeUp(queue);
    }

    // --- steps inside a transaction -----------------------------------------------------------------

    /**
     * Records a queue the store has not seen, once per queue and process (rows are never
     * deleted): an insert that finds the row share-locks it, which would queue every enqueue
     * behind the acks counting on it.
     */
    private void knowQueue(Handle handle, String queue) {
        if (knownQueues.contains(queue)) {
            return;
        }
        if (handle.createUpdate("INSERT IGNORE INTO job_queues (queue, paused, completed) VALUES (:queue, FALSE, 0)")
                .bind("queue", queue).execute() == 0) {
            knownQueues.add(queue); // committed by another: ours would only be known after our commit
        }
    }

    /** The job {@code claim} still holds, locked until commit; empty when the claim is stale. */
    private static Optional<Row> holder(Handle handle, ClaimedJob claim) {
        Objects.requireNonNull(claim, "claim");
        return handle.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = :id FOR UPDATE")
                .bind("id", claim.job().id().toString())
                .map((row, context) -> row(row)).findOne()
                .filter(row -> row.leaseUntil() != null && row.token() == claim.token()
                        && claim.consumer().equals(row.consumer()));
    }

    /** Inserts a pending row, due at {@code dueAt}; a new row goes behind every job already due then. */
    private static void insert(Handle handle, Row row, Instant dueAt) {
        handle.createUpdate("INSERT INTO jobs (id, queue, type, payload, subject, dedup_key, dedup_hash, enqueued_at, "
                + "due_at, attempts, running, consumer, token, lease_until) VALUES (:id, :queue, :type, :payload, "
                + ":subject, :dedupKey, :dedupHash, :enqueuedAt, :dueAt, :attempts, FALSE, NULL, :token, NULL)")
                .bindMap(jobValues(row))
                .bind("dedupHash", row.holdsKey() ? sha256(Objects.requireNonNull(row.dedupKey())) : null)
                .bind("dueAt", Db.at(dueAt))
                .bind("attempts", row.attempts())
                .execute();
    }

    /** The values a job keeps whether it waits, runs or failed: for the inserts into both tables. */
    private static Map<String, Object> jobValues(Row row) {
        Map<String, Object> values = new HashMap<>();
        values.put("id", row.id().toString());
        values.put("queue", row.queue());
        values.put("type", row.type());
        values.put("payload", row.payload());
        values.put("subject", row.subject());
        values.put("dedupKey", row.dedupKey());
        values.put("token", row.token());
        values.put("enqueuedAt", Db.at(row.enqueuedAt()));
        return values;
    }

    /** Makes a claimed or expired job pending again (a new row, so it queues behind the due ones). */
    private static void requeue(Handle handle, Row row, int attempts, Instant dueAt) {
        handle.createUpdate("DELETE FROM jobs WHERE seq = :seq").bind("seq", row.seq()).execute();
        insert(handle, new Row(0, row.id(), row.queue(), row.type(), row.payload(), row.subject(), row.dedupKey(),
                row.holdsKey(), row.enqueuedAt(), attempts, null, row.token(), null, dueAt), dueAt);
    }

    private void moveToFailed(Handle handle, Row row, int attempts, String error) {
        handle.createUpdate("DELETE FROM jobs WHERE seq = :seq").bind("seq", row.seq()).execute();
        handle.createUpdate("INSERT INTO failed_jobs (id, queue, type, payload, subject, dedup_key, token, attempts, "
                + "last_error, enqueued_at, failed_at) VALUES (:id, :queue, :type, :payload, :subject, :dedupKey, "
                + ":token, :attempts, :error, :enqueuedAt, :failedAt)")
                .bindMap(jobValues(row))
                .bind("attempts", attempts)
                .bind("error", error)
                .bind("failedAt", Db.at(db.now()))
                .execute();
    }

    /** Moves a failed job back, due now with no attempt used; it takes its dedup key back when free. */
    private void requeueFailed(Handle handle, long failedKey) {
        Row failed = handle.createQuery("SELECT id, queue, type, payload, subject, dedup_key, token, enqueued_at "
                + "FROM failed_jobs WHERE failed_key = :key").bind("key", failedKey)
                .map((row, context) -> new Row(0, UUID.fromString(row.getString("id")), row.getString("queue"),
                        row.getString("type"), row.getString("payload"), row.getString("subject"),
                        row.getString("dedup_key"), false, Db.requiredInstant(row, "enqueued_at"), 0, null,
                        row.getLong("token"), null, Db.requiredInstant(row, "enqueued_at")))
                .one();
        boolean keyFree = failed.dedupKey() != null && handle.createQuery("SELECT COUNT(*) FROM jobs "
                + "WHERE dedup_hash = :hash FOR UPDATE").bind("hash", sha256(failed.dedupKey()))
                .mapTo(Long.class).one() == 0;
        handle.createUpdate("DELETE FROM failed_jobs WHERE failed_key = :key").bind("key", failedKey).execute();
        insert(handle, new Row(0, failed.id(), failed.queue(), failed.type(), failed.payload(), failed.subject(),
                failed.dedupKey(), keyFree, failed.enqueuedAt(), 0, null, failed.token(), null, db.now()), db.now());
    }

    // --- rows and values ------------------------------------------------------------------------------

    private static Row row(ResultSet row) throws SQLException {
        return new Row(row.getLong("seq"), UUID.fromString(row.getString("id")), row.getString("queue"),
                row.getString("type"), row.getString("payload"), row.getString("subject"), row.getString("dedup_key"),
                row.getBytes("dedup_hash") != null, Db.requiredInstant(row, "enqueued_at"), row.getInt("attempts"),
                row.getString("consumer"), row.getLong("token"), Db.instant(row, "lease_until"),
                Db.requiredInstant(row, "due_at"));
    }

    private static FailedJob failedJob(ResultSet row) throws SQLException {
        return new FailedJob(UUID.fromString(row.getString("id")), row.getString("queue"), row.getString("type"),
                row.getString("subject"), row.getInt("attempts"), row.getString("last_error"),
                Db.requiredInstant(row, "enqueued_at"), Db.requiredInstant(row, "failed_at"));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }

    private static void checkLength(String field, String value, int max) {
        if (value.length() > max) {
            throw new IllegalArgumentException("Job " + field + " is " + value.length()
                    + " characters long; the most is " + max + ": " + value);
        }
    }
}
