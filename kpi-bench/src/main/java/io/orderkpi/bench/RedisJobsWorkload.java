package io.orderkpi.bench;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.orderkpi.redis.RedisJobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * P9: jobs per second through {@link RedisJobStore} under a worker engine with two workers,
 * against a bare loop on one Lettuce client: one thread {@code XADD}s the jobs while two threads,
 * each on a connection of its own, {@code XREADGROUP} one entry at a time (blocking up to 50 ms
 * when the stream is empty), {@code XACK} and {@code XDEL} it. Both start with
 * an empty stream, enqueue while they consume, and time from the first enqueue to the last job.
 */
final class RedisJobsWorkload implements Workload {

    private static final int FULL_JOBS = 20_000;
    private static final long BOUND_NANOS = TimeUnit.MINUTES.toNanos(5);
    /** How long a bare worker's read waits for an entry: short, so the last one sees the end soon. */
    private static final long BLOCK_MILLIS = 50;

    @Override
    public String id() {
        return "P9";
    }

    @Override
    public String title() {
        return "jobs, Redis Streams, 2 workers";
    }

    @Override
    public String unit() {
        return "jobs/s";
    }

    @Override
    public Goal goal() {
        return Goal.atLeast(0.5);
    }

    @Override
    public Outcome run(Mode mode) throws Exception {
        int jobs = mode.size(FULL_JOBS, 200);
        RedisClient client = Backends.redisClient();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return Pairs.measure(mode, () -> ours(client, connection, jobs),
                    () -> bareStreams(client, connection, jobs),
                    Map.of("jobs", Integer.toString(jobs), "workers", Integer.toString(EngineJobs.WORKERS)));
        } finally {
            client.shutdown();
        }
    }

    static double ours(RedisClient client, StatefulRedisConnection<String, String> connection, int jobs)
            throws InterruptedException {
        String prefix = Backends.newRedisPrefix();
        try (RedisJobStore store = RedisJobStore.builder().client(client).prefix(prefix).build()) {
            return EngineJobs.run(store, store.clock(), jobs);
        } finally {
            Backends.deleteKeys(connection.sync(), prefix);
        }
    }

    /** Lettuce takes the stream offsets as a generic varargs array, hence the unchecked creation. */
    @SuppressWarnings("unchecked")
    private static List<StreamMessage<String, String>> readOne(RedisCommands<String, String> redis,
            Consumer<String> consumer, String stream) {
        return redis.xreadgroup(consumer, XReadArgs.Builder.count(1).block(BLOCK_MILLIS),
                XReadArgs.StreamOffset.lastConsumed(stream));
    }

    /**
     * The bare loop: each worker on a connection of its own, so that its blocking read holds up
     * nobody else, and the producer on the caller's.
     */
    private static double bareStreams(RedisClient client, StatefulRedisConnection<String, String> connection,
            int jobs) throws Exception {
        String prefix = Backends.newRedisPrefix();
        String stream = prefix + ":stream";
        RedisCommands<String, String> redis = connection.sync();
        List<StatefulRedisConnection<String, String>> workerConnections = new ArrayList<>();
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "g", XGroupCreateArgs.Builder.mkstream());
            AtomicInteger handled = new AtomicInteger();
            AtomicReference<RuntimeException> failure = new AtomicReference<>();
            long deadline = System.nanoTime() + BOUND_NANOS;
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < EngineJobs.WORKERS; w++) {
                Consumer<String> consumer = Consumer.from("g", "worker-" + w);
                StatefulRedisConnection<String, String> own = client.connect();
                workerConnections.add(own);
                RedisCommands<String, String> worker = own.sync();
                workers.add(new Thread(() -> {
                    try {
                        while (handled.get() < jobs && System.nanoTime() - deadline < 0) {
                            for (StreamMessage<String, String> message : readOne(worker, consumer, stream)) {
                                worker.xack(stream, "g", message.getId());
                                worker.xdel(stream, message.getId());
                                handled.incrementAndGet();
                            }
                        }
                    } catch (RuntimeException e) {
                        failure.set(e);
                    }
                }, "bench-bare-worker-" + w));
            }
            long start = System.nanoTime();
            workers.forEach(Thread::start);
            for (int i = 0; i < jobs; i++) {
                redis.xadd(stream, "id", UUID.randomUUID().toString(), "payload", EngineJobs.PAYLOAD);
            }
            for (Thread worker : workers) {
                worker.join();
            }
            long nanos = System.nanoTime() - start;
            if (failure.get() != null) {
                throw failure.get();
            }
            if (handled.get() < jobs) {
                throw new IllegalStateException("the bare loop handled " + handled.get() + " of " + jobs + " jobs");
            }
            return Pairs.perSecond(jobs, nanos);
        } finally {
            workerConnections.forEach(StatefulRedisConnection::close);
            Backends.deleteKeys(redis, prefix);
        }
    }
}
