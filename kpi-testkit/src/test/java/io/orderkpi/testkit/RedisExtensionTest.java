package io.orderkpi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The order in which {@link RedisExtension#shared()} looks for a server, and what it leaves behind. */
@Tag(TestTags.LOCATED_SERVER)
class RedisExtensionTest {

    /** Plays every role (the configured URL, the "local" server) so that no shared server is touched. */
    @RegisterExtension
    static final RedisExtension OWNED = RedisExtension.owned();

    private final AtomicInteger started = new AtomicInteger();

    @Test
    void theConfiguredUrlComesFirst() {
        URI owned = URI.create(OWNED.redis().uri());

        RedisExtension.Located located = RedisExtension.locate(Map.of("ORDERKPI_TEST_REDIS_URL", owned.toString()),
                deadPort(), this::mustNotStart);

        assertThat(located.source()).isEqualTo(TestRedis.Source.ENVIRONMENT);
        assertThat(located.uri()).isEqualTo(owned);
        assertThat(started).hasValue(0);
    }

    @Test
    void aConfiguredUrlThatDoesNotAnswerFailsInOneLineWithoutItsPasswordAndWithoutFallingBack() {
        URI dead = deadPort();
        String url = "redis://:s3cret@127.0.0.1:" + dead.getPort() + "/2";

        assertThatThrownBy(() -> RedisExtension.locate(Map.of("ORDERKPI_TEST_REDIS_URL", url),
                URI.create(OWNED.redis().uri()), this::mustNotStart))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("ORDERKPI_TEST_REDIS_URL=redis://:***@127.0.0.1:" + dead.getPort() + "/2 does not answer")
                .hasMessageNotContaining("s3cret")
                .hasMessageNotContaining("\n");
        assertThat(started).hasValue(0);
    }

    @Test
    void aUrlThatIsNotARedisUriIsRefusedByName() {
        assertThatThrownBy(() -> RedisExtension.locate(Map.of("ORDERKPI_TEST_REDIS_URL", "http://127.0.0.1:6379"),
                deadPort(), this::mustNotStart))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("ORDERKPI_TEST_REDIS_URL must look like redis://");
    }

    @Test
    void withoutAUrlTheLocalServerIsUsed() {
        URI local = URI.create(OWNED.redis().uri());

        RedisExtension.Located located = RedisExtension.locate(Map.of("ORDERKPI_TEST_REDIS_URL", " "), local,
                this::mustNotStart);

        assertThat(located.source()).isEqualTo(TestRedis.Source.LOCAL);
        assertThat(located.uri()).isEqualTo(local);
        assertThat(located.process()).isNull();
    }

    @Test
    void whenNothingListensLocallyTheEmbeddedRedisIsStarted() {
        RedisExtension.Located located = RedisExtension.locate(Map.of(), deadPort(), RedisProcess::startEmbedded);
        try {
            assertThat(located.source()).isEqualTo(TestRedis.Source.EMBEDDED);
            TestRedis redis = new TestRedis(located.uri(), located.source(), "okpi-test-probe", located.process());
            assertThat(redis.serverInfo("redis_version")).startsWith("6.2.");
        } finally {
            located.process().stop();
        }
    }

    @Test
    void whenNoServerCanBeFoundOrStartedTheRunFailsWithOneLineSayingWhatToDo() {
        assertThatThrownBy(() -> RedisExtension.locate(Map.of(), deadPort(), () -> {
            throw new IOException("no binary for this platform\n  redis-server: exec format error\n");
        }))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("nothing listens on redis://127.0.0.1:")
                .hasMessageContaining("no binary for this platform redis-server: exec format error)")
                .hasMessageContaining("set ORDERKPI_TEST_REDIS_URL or start redis-server on 127.0.0.1:6379")
                .hasMessageNotContaining("\n");
    }

    @Test
    void theKeysUnderAClassesPrefixAreDeletedAfterItAndNothingElse() {
        TestRedis owned = OWNED.redis();
        TestRedis shared = new TestRedis(URI.create(owned.uri()), TestRedis.Source.LOCAL, "okpi-test-cleanup", null);
        for (int i = 0; i < 1_200; i++) {
            owned.command("SET", shared.newKeyPrefix() + ":{2025-11-16}:kpi", "1");
        }
        owned.command("SET", "okpi-test-cleanup2:other", "kept");
        owned.command("SET", "someone-else", "kept");

        shared.deleteKeys();

        assertThat(shared.keys()).isEmpty();
        assertThat(owned.command("GET", "okpi-test-cleanup2:other")).isEqualTo("kept");
        assertThat(owned.command("GET", "someone-else")).isEqualTo("kept");
    }

    @Test
    void aSharedServerRefusesCommandsThatReachBeyondThePrefix() {
        TestRedis shared = new TestRedis(URI.create(OWNED.redis().uri()), TestRedis.Source.LOCAL, "okpi-test-x", null);

        assertThatThrownBy(() -> shared.command("flushall")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused on a shared Redis");
        assertThatThrownBy(shared::restart).isInstanceOf(IllegalStateException.class);
        assertThat(shared.command("PING")).isEqualTo("PONG");
    }

    private RedisProcess mustNotStart() {
        started.incrementAndGet();
        throw new IllegalStateException("must not start a server");
    }

    private static URI deadPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("redis://127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
