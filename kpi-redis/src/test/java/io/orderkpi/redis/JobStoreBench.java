package io.orderkpi.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.worker.WorkerEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Jobs per second through {@link RedisJobStore} under a {@link WorkerEngine} with two workers,
 * against a bare loop on one Lettuce connection: one thread {@code XADD}s the jobs while two
 * threads {@code XREADGROUP} one entry at a time and {@code XACK} + {@code XDEL} it. Both start
 * with an empty queue and enqueue while they consume; the clock runs from the first enqueue to the
 * last job handled. A program, not a test (nothing asserts a time):
 * {@code java -cp … io.orderkpi.redis.JobStoreBench [redis-uri]}, with {@code -Djobs=20000 -Dreps=5}.
 * Writes under {@code okpi-bench-*} keys and deletes them.
 */
public final class JobStoreBench {

    private static final String QUEUE = "bench";
    /** About the size of an order-processing job's payload. */
    private static final String PAYLOAD = "{\"orderId\":1234567,\"step\":\"charge\",\"attempt\":1,\"importId\":\"%s\"}";

    private JobStoreBench() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
        int jobs = Integer.getInteger("jobs", 20_000);
        int reps = Integer.getInteger("reps", 5);
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            List<Double> ours = new ArrayList<>();
            List<Double> bare = new ArrayList<>();
            // The first round warms both up and is not counted; the order alternates.
            for (int rep = -1; rep < reps; rep++) {
                double oursRate;
                double bareRate;
                if (rep % 2 == 0) {
                    oursRate = throughEngine(client, connection, jobs);
                    bareRate = bareLoop(connection, jobs);
                } else {
                    bareRate = bareLoop(connection, jobs);
                    oursRate = throughEngine(client, connection, jobs);
                }
                if (rep >= 0) {
                    ours.add(oursRate);
                    bare.add(bareRate);
                    System.out.printf("round %d: store %,.0f jobs/s, bare %,.0f jobs/s%n", rep + 1, oursRate, bareRate);
                }
            }
            Collections.sort(ours);
            Collections.sort(bare);
            System.out.printf("RedisJobStore + engine (2 workers) median %,.0f jobs/s (%,.0f–%,.0f)%n",
                    ours.get(reps / 2), ours.get(0), ours.get(reps - 1));
            System.out.printf("bare XADD/XREADGROUP/XACK      median %,.0f jobs/s (%,.0f–%,.0f)%n",
                    bare.get(reps / 2), bare.get(0), bare.get(reps - 1));
            System.out.printf("ratio of the medians %.2f%n", ours.get(reps / 2) / bare.get(reps / 2));
        } finally {
            client.shutdown();
        }
    }

    private static double throughEngine(RedisClient client, StatefulRedisConnection<String, String> connection, int jobs)
            throws InterruptedException {
        String prefix = "okpi-bench-" + UUID.randomUUID();
        CountDownLatch done = new CountDownLatch(jobs);
        try (RedisJobStore store = RedisJobStore.builder().client(client).prefix(prefix).build();
                WorkerEngine engine = WorkerEngine.builder(store).clock(store.clock()).lease(Duration.ofSeconds(60)).build()) {
            engine.register(QUEUE, job -> done.countDown());
            engine.start(Map.of(QUEUE, 2));
            String payload = String.format(PAYLOAD, prefix);
            long start = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                engine.enqueue(JobRequest.of(QUEUE, QUEUE, payload));
            }
            if (!done.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("Only " + (jobs - done.getCount()) + " of " + jobs + " jobs ran");
            }
            return jobs / ((System.nanoTime() - start) / 1e9);
        } finally {
            ApplyAllBench.delete(connection.sync(), prefix);
        }
    }

    /** Lettuce takes the stream offsets as a generic varargs array, hence the unchecked creation. */
    @SuppressWarnings("unchecked")
    private static List<StreamMessage<String, String>> readOne(RedisCommands<String, String> redis,
            Consumer<String> consumer, String stream) {
        return redis.xreadgroup(consumer, XReadArgs.Builder.count(1), XReadArgs.StreamOffset.lastConsumed(stream));
    }

    private static double bareLoop(StatefulRedisConnection<String, String> connection, int jobs) throws Exception {
        String prefix = "okpi-bench-" + UUID.randomUUID();
        String stream = prefix + ":stream";
        RedisCommands<String, String> redis = connection.sync();
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "g", XGroupCreateArgs.Builder.mkstream());
            AtomicInteger handled = new AtomicInteger();
            String payload = String.format(PAYLOAD, prefix);
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                Consumer<String> consumer = Consumer.from("g", "worker-" + w);
                workers.add(new Thread(() -> {
                    while (handled.get() < jobs) {
                        for (StreamMessage<String, String> message : readOne(redis, consumer, stream)) {
                            redis.xack(stream, "g", message.getId());
                            redis.xdel(stream, message.getId());
                            handled.incrementAndGet();
                        }
                    }
                }));
            }
            long start = System.nanoTime();
            workers.forEach(Thread::start);
            for (int i = 0; i < jobs; i++) {
                redis.xadd(stream, "id", UUID.randomUUID().toString(), "payload", payload);
            }
            for (Thread worker : workers) {
                worker.join();
            }
            return jobs / ((System.nanoTime() - start) / 1e9);
        } finally {
            ApplyAllBench.delete(redis, prefix);
        }
    }
}
