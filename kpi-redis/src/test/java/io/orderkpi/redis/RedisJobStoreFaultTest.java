package io.orderkpi.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.queue.JobRequest;
import io.orderkpi.core.worker.WorkerEngine;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis stopped and restarted without persistence under a running engine: on a server this class owns. */
class RedisJobStoreFaultTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.owned();

    private static final String QUEUE = "notifications";

    @Test
    void anEngineOverTheStoreGoesOnWithoutARestartWhenRedisComesBackEmpty() {
        TestRedis redis = REDIS.redis();
        Queue<String> handled = new ConcurrentLinkedQueue<>();
        try (RedisJobStore store = RedisJobStore.builder().uri(redis.uri()).prefix(redis.newKeyPrefix())
                        .commandTimeout(Duration.ofSeconds(5)).build();
                WorkerEngine engine = WorkerEngine.builder(store).clock(store.clock()).pollInterval(Duration.ofMillis(10))
                        .build()) {
            engine.register("mail", job -> handled.add(job.payload()));
            engine.start(Map.of(QUEUE, 1));
            engine.enqueue(JobRequest.of(QUEUE, "mail", "before"));
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("before"));

            redis.stop();
            try {
                assertThatThrownBy(() -> store.enqueue(JobRequest.of(QUEUE, "mail", "while down")))
                        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("127.0.0.1:" + redis.port());
                assertThatThrownBy(store::stats).isInstanceOf(StoreUnavailableException.class);
            } finally {
                redis.start();
            }

            // The restarted server lost the stream, its group and the script cache: all come back by themselves.
            await().atMost(Duration.ofSeconds(30)).ignoreException(StoreUnavailableException.class)
                    .until(() -> engine.enqueue(JobRequest.of(QUEUE, "mail", "after")) != null);
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("after"));
            assertThat(List.copyOf(handled)).containsExactly("before", "after");
            assertThat(store.stats().get(QUEUE).completed()).as("the counters went with the data").isEqualTo(1);
        }
    }
}
