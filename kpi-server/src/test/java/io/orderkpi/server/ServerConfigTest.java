package io.orderkpi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerConfigTest {

    @TempDir
    Path dir;

    @Test
    void everyKeyHasItsDefault() {
        ServerConfig config = ServerConfig.load(Map.of(), dir);

        assertThat(config.port()).isEqualTo(8088);
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.apiToken()).isEmpty();
        assertThat(config.publicAnalytics()).isFalse();
        assertThat(config.queue()).isEqualTo("memory");
        assertThat(config.workers()).isEqualTo(8);
        assertThat(config.jobAttempts()).isEqualTo(3);
        assertThat(config.shutdownGrace()).hasSeconds(30);
        assertThat(config.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(config.currency()).isEqualTo("USD");
        assertThat(config.retention()).hasDays(30);
        assertThat(config.historyRetention()).hasDays(90);
        assertThat(config.notifyChannels()).containsExactly("log");
        assertThat(config.maxUploadBytes()).isEqualTo(1L << 30);
        assertThat(config.maxBodyBytes()).isEqualTo(1L << 20);
        assertThat(config.stockFailureRate()).isEqualTo(0.10);
        assertThat(config.paymentFailureRate()).isEqualTo(0.15);
        assertThat(config.refundFailureRate()).isEqualTo(0.05);
        assertThat(config.simSeed()).isEmpty();
        assertThat(config.redacted()).containsEntry("ORDERKPI_REDIS_PREFIX", "okpi")
                .containsEntry("ORDERKPI_MYSQL_MIGRATE", "auto").containsEntry("ORDERKPI_CLAIM_IDLE_SECONDS", "60");
    }

    @Test
    void environmentWinsOverThePropertiesFileWhichWinsOverDefaults() throws IOException {
        Files.writeString(dir.resolve("orderkpi.properties"), "ORDERKPI_PORT=9000\nORDERKPI_WORKERS=12\n");

        ServerConfig config = ServerConfig.load(Map.of("ORDERKPI_PORT", "9100"), dir);

        assertThat(config.port()).isEqualTo(9100);
        assertThat(config.workers()).isEqualTo(12);
        assertThat(config.jobAttempts()).isEqualTo(3);
    }

    @Test
    void thePropertiesFileCanBeNamedByOrderkpiConfig() throws IOException {
        Files.writeString(dir.resolve("other.properties"), "ORDERKPI_TIMEZONE=Europe/Berlin\n");

        ServerConfig config = ServerConfig.load(Map.of("ORDERKPI_CONFIG", "other.properties"), dir);

        assertThat(config.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThatThrownBy(() -> ServerConfig.load(Map.of("ORDERKPI_CONFIG", "missing.properties"), dir))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("ORDERKPI_CONFIG: no such file");
    }

    @Test
    void anUnknownKeyInThePropertiesFileIsRefused() throws IOException {
        Files.writeString(dir.resolve("orderkpi.properties"), "ORDERKPI_PROT=9000\n");

        assertThatThrownBy(() -> ServerConfig.load(Map.of(), dir)).isInstanceOf(ConfigException.class)
                .hasMessage("orderkpi.properties: unknown key 'ORDERKPI_PROT'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ORDERKPI_PORT|abc|ORDERKPI_PORT: not a port number 'abc'",
        "ORDERKPI_PORT|70000|ORDERKPI_PORT: not a port number '70000'",
        "ORDERKPI_WORKERS|2|ORDERKPI_WORKERS: not a worker count from 4 (one per queue) to 1024 '2'",
        "ORDERKPI_JOB_ATTEMPTS|0|ORDERKPI_JOB_ATTEMPTS: not a number of attempts from 1 to 100 '0'",
        "ORDERKPI_PUBLIC_ANALYTICS|yes|ORDERKPI_PUBLIC_ANALYTICS: not true or false 'yes'",
        "ORDERKPI_TIMEZONE|Mars/Olympus|ORDERKPI_TIMEZONE: not a time zone such as UTC or Europe/Berlin 'Mars/Olympus'",
        "ORDERKPI_CURRENCY|usd|ORDERKPI_CURRENCY: not a 3-letter ISO 4217 code such as USD 'usd'",
        "ORDERKPI_RETENTION_DAYS|-1|ORDERKPI_RETENTION_DAYS: not a number of days (0 = forever) '-1'",
        "ORDERKPI_QUEUE|kafka|ORDERKPI_QUEUE: not one of memory, redis, mysql 'kafka'",
        "ORDERKPI_MYSQL_MIGRATE|always|ORDERKPI_MYSQL_MIGRATE: not one of auto, validate, off 'always'",
        "ORDERKPI_STOCK_FAILURE_RATE|1.5|ORDERKPI_STOCK_FAILURE_RATE: not a probability from 0 to 1 '1.5'",
        "ORDERKPI_MAX_UPLOAD_BYTES|0|ORDERKPI_MAX_UPLOAD_BYTES: not a positive number of bytes '0'",
        "ORDERKPI_NOTIFY_CHANNELS|log,sms|ORDERKPI_NOTIFY_CHANNELS: unknown channel 'sms', use log and/or email 'log,sms'",
        "ORDERKPI_SIM_SEED|x|ORDERKPI_SIM_SEED: not an integer seed 'x'",
        "ORDERKPI_MYSQL_URL|mysql://h/db|ORDERKPI_MYSQL_URL: not a JDBC URL such as jdbc:mysql://127.0.0.1:3306/orderkpi 'mysql://h/db'",
        "ORDERKPI_REDIS_URL|http://h|ORDERKPI_REDIS_URL: not a Redis URI such as redis://127.0.0.1:6379/0 'http://h'",
        "ORDERKPI_API_TOKEN|short|ORDERKPI_API_TOKEN: too short, use at least 16 characters",
        "ORDERKPI_SMTP_PORT|x|ORDERKPI_SMTP_PORT: not a port number 'x'",
        "ORDERKPI_HTTP_IDLE_SECONDS|0|ORDERKPI_HTTP_IDLE_SECONDS: not a number of seconds from 1 to 3600 '0'",
        "ORDERKPI_HTTP_HEAD_SECONDS|3601|ORDERKPI_HTTP_HEAD_SECONDS: not a number of seconds from 1 to 3600 '3601'",
        "ORDERKPI_HTTP_MIN_BYTES_PER_SECOND|0|ORDERKPI_HTTP_MIN_BYTES_PER_SECOND: not a rate from 1 to 1073741824 bytes/s '0'",
        "ORDERKPI_HTTP_MAX_CONNECTIONS|0|ORDERKPI_HTTP_MAX_CONNECTIONS: not a number of connections from 1 to 100000 '0'",
        "ORDERKPI_SMTP_FROM|not-an-address|ORDERKPI_SMTP_FROM: not an e-mail address such as shop@example.com",
    })
    void aBadValueStopsWithOneLineNamingTheKey(String key, String value, String message) {
        assertThatThrownBy(() -> ServerConfig.load(Map.of(key, value), dir)).isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void redisWithoutMysqlIsRefused() {
        assertThatThrownBy(() -> ServerConfig.load(Map.of("ORDERKPI_REDIS_URL", "redis://127.0.0.1:6379/0"), dir))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("ORDERKPI_REDIS_URL: Redis needs ORDERKPI_MYSQL_URL");
    }

    @Test
    void theJobStoreFollowsTheStoresUnlessNamedAndTheDemoIgnoresThem() {
        ServerConfig mysql = ServerConfig.load(Map.of("ORDERKPI_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/orderkpi"), dir);
        ServerConfig both = ServerConfig.load(Map.of("ORDERKPI_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/orderkpi",
                "ORDERKPI_REDIS_URL", "redis://127.0.0.1:6379/0"), dir);

        assertThat(ServerConfig.load(Map.of(), dir).queue()).isEqualTo("memory");
        assertThat(mysql.queue()).isEqualTo("mysql");
        assertThat(both.queue()).isEqualTo("redis");
        assertThat(both.with(ServerConfig.QUEUE, "mysql").queue()).isEqualTo("mysql");
        assertThat(both.with(ServerConfig.QUEUE, "memory").queue()).isEqualTo("memory");
        ServerConfig demo = both.withDemoOrders(10);
        assertThat(demo.isDemo()).isTrue();
        assertThat(demo.mysqlUrl()).isEmpty();
        assertThat(demo.redisUrl()).isEmpty();
        assertThat(demo.queue()).isEqualTo("memory");
        demo.requireServable();
    }

    @Test
    void aNonLoopbackBindWithoutATokenIsRefused() {
        ServerConfig open = ServerConfig.load(Map.of("ORDERKPI_BIND", "0.0.0.0"), dir);

        assertThatThrownBy(() -> OrderKpiServer.start(open)).isInstanceOf(ConfigException.class)
                .hasMessage("ORDERKPI_BIND: refusing to listen on non-loopback address '0.0.0.0' without "
                        + "ORDERKPI_API_TOKEN; set a token or bind 127.0.0.1");
        open.with(ServerConfig.API_TOKEN, TestServers.API_TOKEN).requireServable();
        ServerConfig.load(Map.of(), dir).withBind("::1").requireServable();
    }

    @Test
    void withersValidateTheirValues() {
        ServerConfig config = ServerConfig.load(Map.of(), dir).withPort(0).withWorkers(16).withBind("localhost");

        assertThat(config.port()).isZero();
        assertThat(config.workers()).isEqualTo(16);
        assertThatThrownBy(() -> config.withWorkers(1)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ORDERKPI_WORKERS:");
    }

    @Test
    void redactedHidesTokensAndPasswords() {
        ServerConfig config = ServerConfig.load(Map.of(
                "ORDERKPI_API_TOKEN", TestServers.API_TOKEN, "ORDERKPI_READ_TOKEN", TestServers.READ_TOKEN,
                "ORDERKPI_SMTP_PASSWORD", "hunter2", "ORDERKPI_MYSQL_PASSWORD", "secret"), dir);

        assertThat(config.redacted()).containsEntry("ORDERKPI_API_TOKEN", "****")
                .containsEntry("ORDERKPI_READ_TOKEN", "****").containsEntry("ORDERKPI_SMTP_PASSWORD", "****")
                .containsEntry("ORDERKPI_MYSQL_PASSWORD", "****").containsEntry("ORDERKPI_PORT", "8088");
        assertThat(config.toString()).doesNotContain(TestServers.API_TOKEN, "hunter2", "secret");
    }

    @Test
    void passwordsInsideUrlsAreRedactedInPrintLogsAndErrors() {
        ServerConfig config = ServerConfig.load(Map.of(
                "ORDERKPI_MYSQL_URL", "jdbc:mysql://okpi:dbpass1@127.0.0.1:3306/orderkpi?user=u&password=dbpass2&ssl=true",
                "ORDERKPI_REDIS_URL", "redis://:redispass@127.0.0.1:6379/0"), dir);

        assertThat(config.redacted()).containsEntry("ORDERKPI_MYSQL_URL",
                "jdbc:mysql://okpi:****@127.0.0.1:3306/orderkpi?user=u&password=****&ssl=true")
                .containsEntry("ORDERKPI_REDIS_URL", "redis://:****@127.0.0.1:6379/0");
        assertThat(config.toString()).doesNotContain("dbpass1", "dbpass2", "redispass");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("ORDERKPI_MYSQL_URL", "mysql://u:dbpass1@h/db?password=dbpass2"), dir))
                .isInstanceOf(ConfigException.class).hasMessage("ORDERKPI_MYSQL_URL: not a JDBC URL such as "
                        + "jdbc:mysql://127.0.0.1:3306/orderkpi 'mysql://u:****@h/db?password=****'");
        assertThatThrownBy(() -> ServerConfig.load(Map.of("ORDERKPI_REDIS_URL", "http://:redispass@h"), dir))
                .isInstanceOf(ConfigException.class).hasMessage("ORDERKPI_REDIS_URL: not a Redis URI such as "
                        + "redis://127.0.0.1:6379/0 'http://:****@h'");
    }

    @Test
    void aKeyIsOneRowOfTheTable() {
        assertThat(ServerConfig.keys()).extracting(ConfigKey::name).doesNotHaveDuplicates()
                .containsExactlyElementsOf(ServerConfig.knownKeys().keySet())
                .containsExactlyElementsOf(ServerConfig.load(Map.of(), dir).redacted().keySet());
        assertThat(ServerConfig.keys()).allSatisfy(key -> assertThat(key.doc()).isNotBlank());
    }

    @Test
    void anEmptyRequiredValueIsNamed() {
        assertThatThrownBy(() -> ServerConfig.load(Map.of("ORDERKPI_PORT", " "), dir))
                .isInstanceOf(ConfigException.class).hasMessage("ORDERKPI_PORT: must not be empty");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ORDERKPI_HTTP_HEAD_SECONDS|1|1", "ORDERKPI_HTTP_HEAD_SECONDS|3600|3600",
        "ORDERKPI_PORT|0|0", "ORDERKPI_PORT|65535|65535"})
    void theEdgesOfARangeAreAccepted(String key, String value, String expected) {
        assertThat(ServerConfig.load(Map.of(key, value), dir).raw(key)).isEqualTo(expected);
    }
}
