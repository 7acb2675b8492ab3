package io.orderkpi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderkpi.notify.SmtpSettings;
import io.orderkpi.notify.SmtpTls;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmailChannelConfigTest {

    @TempDir
    Path dir;

    private ServerConfig load(String... keysAndValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            env.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return ServerConfig.load(env, dir);
    }

    private ServerConfig email(String... more) {
        String[] all = new String[more.length + 6];
        all[0] = ServerConfig.NOTIFY_CHANNELS;
        all[1] = "log,email";
        all[2] = ServerConfig.SMTP_HOST;
        all[3] = "smtp.example.com";
        all[4] = ServerConfig.SMTP_FROM;
        all[5] = "shop@example.com";
        System.arraycopy(more, 0, all, 6, more.length);
        return load(all);
    }

    @Test
    void theDefaultsAreStartTlsOnItsPortWithAPoolOfFourAndBoundedTimeouts() {
        SmtpSettings settings = email().email().settings();

        assertThat(settings.tls()).isEqualTo(SmtpTls.STARTTLS);
        assertThat(settings.port()).isEqualTo(587);
        assertThat(settings.poolSize()).isEqualTo(4);
        assertThat(settings.connectTimeout()).hasSeconds(10);
        assertThat(settings.readTimeout()).hasSeconds(30);
        assertThat(settings.writeTimeout()).hasSeconds(30);
        assertThat(settings.username()).isEmpty();
        assertThat(settings.redirectTo()).isEmpty();
        assertThat(ServerConfig.defaults(dir).redacted()).containsEntry("ORDERKPI_SMTP_TLS", "starttls")
                .containsEntry("ORDERKPI_SMTP_PORT", "").containsEntry("ORDERKPI_SMTP_POOL_SIZE", "4")
                .containsEntry("ORDERKPI_SMTP_TIMEOUT_SECONDS", "30")
                .containsEntry("ORDERKPI_SMTP_CONNECT_TIMEOUT_SECONDS", "10");
    }

    @Test
    void eachKeyReachesTheNotifiersSettings() {
        SmtpSettings settings = email(ServerConfig.SMTP_TLS, "IMPLICIT", ServerConfig.SMTP_USER, "mailer",
                ServerConfig.SMTP_PASSWORD, "hunter2-secret", ServerConfig.SMTP_REDIRECT_TO, "staging@example.org",
                ServerConfig.SMTP_CONNECT_TIMEOUT_SECONDS, "1", ServerConfig.SMTP_TIMEOUT_SECONDS, "3600",
                ServerConfig.SMTP_POOL_SIZE, "64").email().settings();

        assertThat(settings.tls()).isEqualTo(SmtpTls.IMPLICIT);
        assertThat(settings.port()).isEqualTo(465);
        assertThat(settings.username()).contains("mailer");
        assertThat(settings.redirectTo()).hasValueSatisfying(a -> assertThat(a.getAddress())
                .isEqualTo("staging@example.org"));
        assertThat(settings.connectTimeout()).hasSeconds(1);
        assertThat(settings.readTimeout()).hasSeconds(3600);
        assertThat(settings.poolSize()).isEqualTo(64);
        assertThat(settings.toString()).doesNotContain("hunter2");
        assertThat(email(ServerConfig.SMTP_TLS, "none").email().settings().port()).isEqualTo(25);
        assertThat(email(ServerConfig.SMTP_TLS, "none", ServerConfig.SMTP_PORT, "65535").email().settings().port())
                .isEqualTo(65_535);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ORDERKPI_SMTP_TLS|true|ORDERKPI_SMTP_TLS: not one of none, starttls, implicit 'true'",
        "ORDERKPI_SMTP_PORT|0|ORDERKPI_SMTP_PORT: not a port number '0'",
        "ORDERKPI_SMTP_PORT|65536|ORDERKPI_SMTP_PORT: not a port number '65536'",
        "ORDERKPI_SMTP_POOL_SIZE|0|ORDERKPI_SMTP_POOL_SIZE: not a number of connections from 1 to 64 '0'",
        "ORDERKPI_SMTP_POOL_SIZE|65|ORDERKPI_SMTP_POOL_SIZE: not a number of connections from 1 to 64 '65'",
        "ORDERKPI_SMTP_TIMEOUT_SECONDS|0|ORDERKPI_SMTP_TIMEOUT_SECONDS: not a number of seconds from 1 to 3600 '0'",
        "ORDERKPI_SMTP_CONNECT_TIMEOUT_SECONDS|3601|ORDERKPI_SMTP_CONNECT_TIMEOUT_SECONDS: not a number of seconds from 1 to 3600 '3601'",
        "ORDERKPI_SMTP_FROM|Shop <shop@example.com>|ORDERKPI_SMTP_FROM: not an e-mail address such as shop@example.com",
        "ORDERKPI_SMTP_REDIRECT_TO|ada@example.com,bob@example.com|ORDERKPI_SMTP_REDIRECT_TO: not an e-mail address such as shop@example.com",
        "ORDERKPI_SMTP_HOST|smtp://mail.example.com|ORDERKPI_SMTP_HOST: not a host name or address 'smtp://mail.example.com'",
    })
    void aBadSmtpValueStopsStartUpWithOneLineNamingTheKeyEvenWithTheChannelOff(String key, String value,
            String message) {
        assertThatThrownBy(() -> load(key, value)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void theEmailChannelNeedsAServerAndASender() {
        assertThatThrownBy(() -> load(ServerConfig.NOTIFY_CHANNELS, "log,email", ServerConfig.SMTP_FROM,
                "shop@example.com")).isInstanceOf(ConfigException.class)
                .hasMessage("ORDERKPI_NOTIFY_CHANNELS: 'email' needs ORDERKPI_SMTP_HOST");
        assertThatThrownBy(() -> load(ServerConfig.NOTIFY_CHANNELS, "email", ServerConfig.SMTP_HOST,
                "smtp.example.com")).isInstanceOf(ConfigException.class)
                .hasMessage("ORDERKPI_NOTIFY_CHANNELS: 'email' needs ORDERKPI_SMTP_FROM (the sender address)");
        assertThatThrownBy(() -> email(ServerConfig.SMTP_PASSWORD, "hunter2-secret"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("ORDERKPI_SMTP_PASSWORD: set only together with ORDERKPI_SMTP_USER");
        assertThatThrownBy(() -> email(ServerConfig.SMTP_USER, "mailer")).isInstanceOf(ConfigException.class)
                .hasMessage("ORDERKPI_SMTP_USER: needs ORDERKPI_SMTP_PASSWORD");
    }

    @Test
    void thePasswordIsRedactedAndTheChannelsAreWiredInOrder() {
        ServerConfig config = email(ServerConfig.SMTP_USER, "mailer", ServerConfig.SMTP_PASSWORD, "hunter2-secret");

        assertThat(config.redacted()).containsEntry("ORDERKPI_SMTP_PASSWORD", "****")
                .containsEntry("ORDERKPI_SMTP_USER", "mailer");
        assertThat(config.toString()).doesNotContain("hunter2");
        config.requireServable();
        try (NotifierWiring wiring = NotifierWiring.from(config)) {
            assertThat(wiring.notifiers()).extracting(n -> n.channel()).containsExactly("log", "email");
            assertThat(wiring.describe()).isEqualTo("log, email (smtp.example.com:587 (starttls))");
            assertThat(wiring.checks()).containsOnlyKeys("smtp");
        }
    }

    @Test
    void demoModeAndTheDefaultUseTheLogChannelOnly() {
        try (NotifierWiring demo = NotifierWiring.from(email().withDemoOrders(10));
             NotifierWiring plain = NotifierWiring.from(load())) {
            assertThat(demo.notifiers()).extracting(n -> n.channel()).containsExactly("log");
            assertThat(plain.notifiers()).extracting(n -> n.channel()).containsExactly("log");
            assertThat(plain.email()).isEmpty();
            assertThat(plain.checks()).isEmpty();
        }
    }
}
