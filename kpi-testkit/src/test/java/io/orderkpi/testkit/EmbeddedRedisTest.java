package io.orderkpi.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The embedded fall-back runs on every machine, so it cannot rot unnoticed where a Redis is installed. */
class EmbeddedRedisTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.embedded();

    @Test
    void startsTheRedisBundledInEmbeddedRedisNotOneFromThisMachine() {
        TestRedis redis = REDIS.redis();

        assertThat(redis.source()).isEqualTo(TestRedis.Source.EMBEDDED);
        assertThat(redis.isOwned()).isTrue();
        assertThat(redis.serverInfo("redis_version")).startsWith("6.2.");
        assertThat(redis.serverInfo("executable")).contains("redis-server-6.2").doesNotStartWith("/usr/");
        assertThat(redis.port()).isNotEqualTo(6379);
        assertThat(redis.command("PING")).isEqualTo("PONG");
    }

    /** Runs after the outer tests' class-level set-up and before its tear-down, sharing the server. */
    @Nested
    class InANestedClass {

        @Test
        void theSameServerIsHandedOnAndOutlivesTheNestedClass() {
            assertThat(REDIS.redis().source()).isEqualTo(TestRedis.Source.EMBEDDED);
            assertThat(REDIS.redis().command("SET", REDIS.redis().keyPrefix() + ":nested", "1")).isEqualTo("OK");
        }
    }

    @Test
    void aRestartLosesEveryKeySinceNothingIsKeptOnDisk() {
        TestRedis redis = REDIS.redis();
        String key = redis.newKeyPrefix() + ":kept?";
        redis.command("SET", key, "1");
        assertThat(redis.command("GET", key)).isEqualTo("1");

        redis.restart();

        assertThat(redis.command("GET", key)).isNull();
        assertThat(redis.command("DBSIZE")).isEqualTo(0L);
    }
}
