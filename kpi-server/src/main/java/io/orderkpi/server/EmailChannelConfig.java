package io.orderkpi.server;

import io.orderkpi.notify.SmtpSettings;
import io.orderkpi.notify.SmtpTls;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The {@code ORDERKPI_SMTP_*} keys, parsed and checked once when the configuration loads, so a bad
 * value stops start-up with one line naming the key even while the e-mail channel is off.
 * {@link #settings()} turns them into the {@link SmtpSettings} of the e-mail notifier. Immutable.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>rule</th></tr>
 *   <tr><td>{@code ORDERKPI_SMTP_HOST}</td><td>unset</td><td>a host name or address; required by the email channel</td></tr>
 *   <tr><td>{@code ORDERKPI_SMTP_PORT}</td><td>by TLS mode: 25, 587, 465</td><td>1..65535</td></tr>
 *   <tr><td>{@code ORDERKPI_SMTP_TLS}</td><td>{@code starttls}</td><td>{@code none}, {@code starttls} or {@code implicit}</td></tr>
 *   <tr><td>{@code ORDERKPI_SMTP_USER} / {@code _PASSWORD}</td><td>unset</td><td>both or neither (checked when the email channel is on); the password is a secret</td></tr>
 *   <tr><td>{@code ORDERKPI_SMTP_FROM}</td><td>unset</td><td>one plain address; required by the email channel</td></tr>
 *   <tr><td>{@code ORDERKPI_SMTP_REDIRECT_TO}</td><td>unset</td><td>one plain address (staging)</td></tr>
 *   <tr><td>{@code ORDERKPI_SMTP_CONNECT_TIMEOUT_SECONDS}</td><td>10</td><td>1..3600</td></tr>
 *   <tr><td>{@code ORDERKPI_SMTP_TIMEOUT_SECONDS}</td><td>30</td><td>1..3600, for each read and write</td></tr>
 *   <tr><td>{@code ORDERKPI_SMTP_POOL_SIZE}</td><td>4</td><td>1..64 connections</td></tr>
 * </table>
 */
public final class EmailChannelConfig {

    private final Optional<String> host;
    private final OptionalInt port;
    private final SmtpTls tls;
    private final Optional<String> user;
    private final Optional<String> password;
    private final Optional<String> from;
    private final Optional<String> redirectTo;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final int poolSize;

    private EmailChannelConfig(Function<String, String> raw) {
        this.host = optional(raw, ServerConfig.SMTP_HOST);
        host.ifPresent(value -> {
            if (value.chars().anyMatch(c -> c <= 0x20 || c == '/' || c == '@')) {
                throw new ConfigException(ServerConfig.SMTP_HOST + ": not a host name or address '" + value + "'");
            }
        });
        this.port = optional(raw, ServerConfig.SMTP_PORT)
                .map(value -> OptionalInt.of(number(ServerConfig.SMTP_PORT, value, 1, 65_535, "not a port number")))
                .orElse(OptionalInt.empty());
        String tlsValue = raw.apply(ServerConfig.SMTP_TLS);
        this.tls = SmtpTls.fromWireName(tlsValue).orElseThrow(() -> new ConfigException(ServerConfig.SMTP_TLS
                + ": not one of none, starttls, implicit '" + tlsValue + "'"));
        this.user = optional(raw, ServerConfig.SMTP_USER);
        this.password = optional(raw, ServerConfig.SMTP_PASSWORD);
        this.from = optional(raw, ServerConfig.SMTP_FROM);
        from.ifPresent(value -> address(ServerConfig.SMTP_FROM, value));
        this.redirectTo = optional(raw, ServerConfig.SMTP_REDIRECT_TO);
        redirectTo.ifPresent(value -> address(ServerConfig.SMTP_REDIRECT_TO, value));
        this.connectTimeout = seconds(raw, ServerConfig.SMTP_CONNECT_TIMEOUT_SECONDS);
        this.timeout = seconds(raw, ServerConfig.SMTP_TIMEOUT_SECONDS);
        this.poolSize = number(ServerConfig.SMTP_POOL_SIZE, raw.apply(ServerConfig.SMTP_POOL_SIZE), 1,
                SmtpSettings.MAX_POOL_SIZE, "not a number of connections from 1 to " + SmtpSettings.MAX_POOL_SIZE);
    }

    /**
     * Parses the SMTP keys.
     *
     * @param raw each key's effective value ({@code ""} when unset)
     * @throws ConfigException naming the key and the reason when a value is bad
     */
    static EmailChannelConfig parse(Function<String, String> raw) {
        return new EmailChannelConfig(raw);
    }

    /** Checks what the email channel needs beyond well-formed values: a server, a sender, whole credentials. */
    void requireComplete() {
        if (password.isPresent() && user.isEmpty()) {
            throw new ConfigException(ServerConfig.SMTP_PASSWORD + ": set only together with " + ServerConfig.SMTP_USER);
        }
        if (user.isPresent() && password.isEmpty()) {
            throw new ConfigException(ServerConfig.SMTP_USER + ": needs " + ServerConfig.SMTP_PASSWORD);
        }
        if (host.isEmpty()) {
            throw new ConfigException(ServerConfig.NOTIFY_CHANNELS + ": 'email' needs " + ServerConfig.SMTP_HOST);
        }
        if (from.isEmpty()) {
            throw new ConfigException(ServerConfig.NOTIFY_CHANNELS + ": 'email' needs " + ServerConfig.SMTP_FROM
                    + " (the sender address)");
        }
    }

    /**
     * The notifier's settings.
     *
     * @throws ConfigException when the host or the sender is missing
     */
    public SmtpSettings settings() {
        requireComplete();
        SmtpSettings.Builder builder = SmtpSettings.builder(host.orElseThrow(), from.orElseThrow()).tls(tls)
                .connectTimeout(connectTimeout).readTimeout(timeout).writeTimeout(timeout).poolSize(poolSize);
        port.ifPresent(builder::port);
        user.ifPresent(name -> builder.credentials(name, password.orElseThrow()));
        redirectTo.ifPresent(builder::redirectTo);
        return builder.build();
    }

    public SmtpTls tls() {
        return tls;
    }

    private static Optional<String> optional(Function<String, String> raw, String key) {
        String value = raw.apply(key);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static Duration seconds(Function<String, String> raw, String key) {
        return Duration.ofSeconds(number(key, raw.apply(key), 1, 3_600, "not a number of seconds from 1 to 3600"));
    }

    private static int number(String key, String value, int min, int max, String reason) {
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key + ": " + reason + " '" + value + "'");
    }

    private static void address(String key, String value) {
        if (!SmtpSettings.isPlainAddress(value)) {
            // The address may be personal: name the key, not the value.
            throw new ConfigException(key + ": not an e-mail address such as shop@example.com");
        }
    }
}
