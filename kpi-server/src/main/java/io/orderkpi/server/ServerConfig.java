package io.orderkpi.server;

import io.orderkpi.server.ConfigKey.Parser;
import io.orderkpi.server.ConfigKey.Secrecy;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The server's effective configuration (SPEC §9 "Configuration"): environment variables, then the
 * same keys in {@code orderkpi.properties} (in the working directory, or at the path in
 * {@code ORDERKPI_CONFIG}), then defaults. Validated once, when built: every value here is known
 * to be well-formed, so the wiring never re-checks. Immutable and thread-safe; the withers (for
 * command line overrides) return a new, validated instance.
 *
 * <p>Every key is one row of {@link #keys()} (name, default, parser, secrecy, one-line doc), which
 * drives parsing, the validation messages, {@link #redacted()} ({@code config print}) and the
 * configuration table of {@code docs/deploy.md} ({@link #documentationTable()}). Adding a key is
 * adding its row (and a name constant if code refers to it); a typed accessor is optional.
 *
 * <p>The stores follow the keys: MySQL records with {@code ORDERKPI_MYSQL_URL}, Redis KPIs with
 * {@code ORDERKPI_REDIS_URL} (which needs MySQL), the job store by {@link #queue()}. The SMTP keys
 * are read by {@link EmailChannelConfig} into {@link #email()}.
 */
public final class ServerConfig {

    /** Environment variable naming the properties file; default {@code orderkpi.properties} in the working directory. */
    public static final String CONFIG_FILE_ENV = "ORDERKPI_CONFIG";
    public static final String DEFAULT_CONFIG_FILE = "orderkpi.properties";

    public static final String PORT = "ORDERKPI_PORT";
    public static final String BIND = "ORDERKPI_BIND";
    public static final String API_TOKEN = "ORDERKPI_API_TOKEN";
    public static final String READ_TOKEN = "ORDERKPI_READ_TOKEN";
    public static final String PUBLIC_ANALYTICS = "ORDERKPI_PUBLIC_ANALYTICS";
    public static final String MYSQL_URL = "ORDERKPI_MYSQL_URL";
    public static final String MYSQL_USER = "ORDERKPI_MYSQL_USER";
    public static final String MYSQL_PASSWORD = "ORDERKPI_MYSQL_PASSWORD";
    public static final String MYSQL_MIGRATE = "ORDERKPI_MYSQL_MIGRATE";
    public static final String REDIS_URL = "ORDERKPI_REDIS_URL";
    public static final String REDIS_PREFIX = "ORDERKPI_REDIS_PREFIX";
    public static final String QUEUE = "ORDERKPI_QUEUE";
    public static final String WORKERS = "ORDERKPI_WORKERS";
    public static final String JOB_ATTEMPTS = "ORDERKPI_JOB_ATTEMPTS";
    public static final String CLAIM_IDLE_SECONDS = "ORDERKPI_CLAIM_IDLE_SECONDS";
    public static final String SHUTDOWN_GRACE_SECONDS = "ORDERKPI_SHUTDOWN_GRACE_SECONDS";
    public static final String TIMEZONE = "ORDERKPI_TIMEZONE";
    public static final String CURRENCY = "ORDERKPI_CURRENCY";
    public static final String RETENTION_DAYS = "ORDERKPI_RETENTION_DAYS";
    public static final String HISTORY_RETENTION_DAYS = "ORDERKPI_HISTORY_RETENTION_DAYS";
    public static final String NOTIFY_CHANNELS = "ORDERKPI_NOTIFY_CHANNELS";
    public static final String SMTP_HOST = "ORDERKPI_SMTP_HOST";
    public static final String SMTP_PORT = "ORDERKPI_SMTP_PORT";
    public static final String SMTP_USER = "ORDERKPI_SMTP_USER";
    public static final String SMTP_PASSWORD = "ORDERKPI_SMTP_PASSWORD";
    public static final String SMTP_FROM = "ORDERKPI_SMTP_FROM";
    public static final String SMTP_TLS = "ORDERKPI_SMTP_TLS";
    public static final String SMTP_REDIRECT_TO = "ORDERKPI_SMTP_REDIRECT_TO";
    // Beyond SPEC §9: the e-mail channel's timeouts and connection pool (EmailChannelConfig).
    public static final String SMTP_CONNECT_TIMEOUT_SECONDS = "ORDERKPI_SMTP_CONNECT_TIMEOUT_SECONDS";
    public static final String SMTP_TIMEOUT_SECONDS = "ORDERKPI_SMTP_TIMEOUT_SECONDS";
    public static final String SMTP_POOL_SIZE = "ORDERKPI_SMTP_POOL_SIZE";
    public static final String MAX_UPLOAD_BYTES = "ORDERKPI_MAX_UPLOAD_BYTES";
    public static final String STOCK_FAILURE_RATE = "ORDERKPI_STOCK_FAILURE_RATE";
    public static final String PAYMENT_FAILURE_RATE = "ORDERKPI_PAYMENT_FAILURE_RATE";
    public static final String REFUND_FAILURE_RATE = "ORDERKPI_REFUND_FAILURE_RATE";
    public static final String SIM_SEED = "ORDERKPI_SIM_SEED";
    // Beyond SPEC §9: the HTTP server's own limits.
    public static final String MAX_BODY_BYTES = "ORDERKPI_MAX_BODY_BYTES";
    public static final String HTTP_IDLE_SECONDS = "ORDERKPI_HTTP_IDLE_SECONDS";
    public static final String HTTP_HEAD_SECONDS = "ORDERKPI_HTTP_HEAD_SECONDS";
    public static final String HTTP_MIN_BYTES_PER_SECOND = "ORDERKPI_HTTP_MIN_BYTES_PER_SECOND";
    public static final String HTTP_MAX_CONNECTIONS = "ORDERKPI_HTTP_MAX_CONNECTIONS";
    public static final String HTTP_THREADS = "ORDERKPI_HTTP_THREADS";
    public static final String HTTP_QUEUE = "ORDERKPI_HTTP_QUEUE";
    public static final String IMPORT_SLOTS = "ORDERKPI_IMPORT_SLOTS";

    private static final String NONE = "";

    /** The table: every key, in documentation order. */
    private static final List<ConfigKey> KEYS = List.of(
            key(PORT, "8088", ints(0, 65_535, "not a port number"), "TCP port of the HTTP API (0 = any free port); `serve --port`"),
            key(BIND, "127.0.0.1", ServerConfig::text, "address to listen on; a non-loopback address needs `ORDERKPI_API_TOKEN`; `serve --bind`"),
            key(API_TOKEN, NONE, ServerConfig::token, Secrecy.SECRET, null, "bearer token of every endpoint but `GET /health`, `/` and `/assets/*`; at least 16 printable characters"),
            key(READ_TOKEN, NONE, ServerConfig::token, Secrecy.SECRET, null, "bearer token that opens GETs only (403 on changes); needs the API token"),
            key(PUBLIC_ANALYTICS, "false", ServerConfig::bool, "`true` opens the analytics GETs without a token"),
            key(MYSQL_URL, NONE, ServerConfig::jdbcUrl, Secrecy.URL, null, "JDBC URL of the MySQL record store (`jdbc:mysql://127.0.0.1:3306/orderkpi`); without it records live in memory"),
            key(MYSQL_USER, NONE, ServerConfig::text, "MySQL user"),
            key(MYSQL_PASSWORD, NONE, ServerConfig::text, Secrecy.SECRET, null, "MySQL password"),
            key(MYSQL_MIGRATE, "auto", oneOf("auto", "validate", "off"), "schema at start: auto, validate or off"),
            key(REDIS_URL, NONE, ServerConfig::redisUri, Secrecy.URL, null, "Redis URI for the KPIs (`redis://127.0.0.1:6379/0`, `rediss://` for TLS); needs MySQL; without it KPIs live in memory"),
            key(REDIS_PREFIX, "okpi", ServerConfig::text, "prefix of every Redis key"),
            key(QUEUE, NONE, oneOf("memory", "redis", "mysql"), Secrecy.PLAIN, "redis with a Redis URL, else mysql with a MySQL URL, else memory", "job store: memory, redis or mysql"),
            key(WORKERS, "8", ints(4, 1_024, "not a worker count from 4 (one per queue) to 1024"), "queue worker threads (4 to 1024, at least one per queue); `serve --workers`"),
            key(JOB_ATTEMPTS, "3", ints(1, 100, "not a number of attempts from 1 to 100"), "attempts of a job before it is listed as failed"),
            key(CLAIM_IDLE_SECONDS, "60", seconds(1, 86_400), "the lease of a claimed job: workers extend it while a job runs, and a crashed process's jobs are claimed by another this long after its last extension; the outbox relay's delivery leases last as long"),
            key(SHUTDOWN_GRACE_SECONDS, "30", seconds(0, 3_600), "how long running jobs may finish after SIGTERM"),
            key(TIMEZONE, "UTC", ServerConfig::zone, "zone of the KPI days and of today/yesterday"),
            key(CURRENCY, "USD", ServerConfig::currency, "reporting currency (ISO 4217)"),
            key(RETENTION_DAYS, "30", days(), "KPI days kept (0 = forever)"),
            key(HISTORY_RETENTION_DAYS, "90", days(), "once an hour (first a minute after start) removes what finished before this: outbox events delivered to every subscriber registered in the record store (dead-lettered ones and those waiting behind them stay), sent or failed notifications, completed or failed imports with their rejected rows, failed jobs (0 = forever); pending work never"),
            key(NOTIFY_CHANNELS, "log", ServerConfig::channels, "notification channels: `log`, `email` or `log,email`; `email` needs `ORDERKPI_SMTP_HOST` and `ORDERKPI_SMTP_FROM` ([email.md](email.md))"),
            key(SMTP_HOST, NONE, ServerConfig::text, "SMTP server (needed by the email channel)"),
            key(SMTP_PORT, NONE, ints(1, 65_535, "not a port number"), Secrecy.PLAIN, "25, 587 or 465 by TLS mode", "SMTP port"),
            key(SMTP_USER, NONE, ServerConfig::text, "SMTP user (together with the password)"),
            key(SMTP_PASSWORD, NONE, ServerConfig::text, Secrecy.SECRET, null, "SMTP password"),
            key(SMTP_FROM, NONE, ServerConfig::email, Secrecy.PERSONAL, null, "sender address of e-mails"),
            key(SMTP_TLS, "starttls", ServerConfig::text, "`none`, `starttls` (required when chosen) or `implicit` TLS to the SMTP server"),
            key(SMTP_REDIRECT_TO, NONE, ServerConfig::email, Secrecy.PERSONAL, null, "staging: every e-mail goes to this address instead, the customer's in a header"),
            key(SMTP_CONNECT_TIMEOUT_SECONDS, "10", seconds(1, 3_600), "SMTP connect timeout (beyond SPEC)"),
            key(SMTP_TIMEOUT_SECONDS, "30", seconds(1, 3_600), "SMTP read and write timeout (beyond SPEC)"),
            key(SMTP_POOL_SIZE, "4", ints(1, 64, "not a number of connections from 1 to 64"), "open SMTP connections reused across mails (beyond SPEC)"),
            key(MAX_UPLOAD_BYTES, Long.toString(1L << 30), longs(1, Long.MAX_VALUE, "not a positive number of bytes"), Secrecy.PLAIN, "1073741824 (1 GiB)", "largest CSV upload (413 past it)"),
            key(STOCK_FAILURE_RATE, "0.10", ServerConfig::rate, "simulated stock reservation failures (0 to 1)"),
            key(PAYMENT_FAILURE_RATE, "0.15", ServerConfig::rate, "simulated payment failures (0 to 1)"),
            key(REFUND_FAILURE_RATE, "0.05", ServerConfig::rate, "simulated refund failures (0 to 1)"),
            key(SIM_SEED, NONE, longs(Long.MIN_VALUE, Long.MAX_VALUE, "not an integer seed"), Secrecy.PLAIN, "random", "seed of the simulated gateways"),
            key(MAX_BODY_BYTES, Long.toString(1L << 20), longs(1, Integer.MAX_VALUE, "not a positive number of bytes"), Secrecy.PLAIN, "1048576 (1 MiB)", "largest body of every request but uploads (413 past it; beyond SPEC)"),
            key(HTTP_IDLE_SECONDS, "30", seconds(1, 3_600), "longest silence of a client: between requests on a kept-alive connection, and inside a request"),
            key(HTTP_HEAD_SECONDS, "10", seconds(1, 3_600), "a request's line and headers must be complete this long after its first byte (else 408 and closed)"),
            key(HTTP_MIN_BYTES_PER_SECOND, "1024", longs(1, 1L << 30, "not a rate from 1 to 1073741824 bytes/s"), "lowest average rate of a request body after its first 5 s (else 408 and closed)"),
            key(HTTP_MAX_CONNECTIONS, "1000", ints(1, 100_000, "not a number of connections from 1 to 100000"), "open connections, one thread each; one more is answered 503 and closed"),
            key(HTTP_THREADS, "16", ints(1, 1_024, "not a thread count from 1 to 1024"), "requests served at once (uploads aside)"),
            key(HTTP_QUEUE, "256", ints(1, 100_000, "not a queue length from 1 to 100000"), "requests waiting to be served before 503"),
            key(IMPORT_SLOTS, "2", ints(1, 64, "not a number of concurrent imports from 1 to 64"), "uploads running at once before 429"));

    private static final Map<String, ConfigKey> BY_NAME = KEYS.stream()
            .collect(Collectors.toMap(ConfigKey::name, k -> k, (a, b) -> {
                throw new IllegalStateException("Key listed twice: " + a.name());
            }, LinkedHashMap::new));

    private final Map<String, String> values;
    /** The typed value of each key; an optional key's is an {@link Optional}. */
    private final Map<String, Object> typed;
    private final EmailChannelConfig email;
    private final int demoOrders;

    private ServerConfig(Map<String, String> values, int demoOrders) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.demoOrders = demoOrders;
        Map<String, Object> parsed = new LinkedHashMap<>();
        for (ConfigKey key : KEYS) {
            parsed.put(key.name(), parse(key, values.get(key.name())));
        }
        this.typed = parsed;
        this.email = EmailChannelConfig.parse(this.values::get);
        crossChecks();
    }

    /** The configuration table: every key this version knows, in documentation order. */
    public static List<ConfigKey> keys() {
        return KEYS;
    }

    private static Object parse(ConfigKey key, String raw) {
        if (raw.isEmpty()) {
            if (key.optional()) {
                return Optional.empty();
            }
            throw new ConfigException(key.name() + ": must not be empty");
        }
        Object value;
        try {
            value = key.parser().parse(raw);
        } catch (IllegalArgumentException | DateTimeException e) {
            boolean echo = key.secrecy() == Secrecy.PLAIN || key.secrecy() == Secrecy.URL;
            throw new ConfigException(key.name() + ": " + e.getMessage()
                    + (echo ? " '" + key.secrecy().show(raw) + "'" : ""));
        }
        return key.optional() ? Optional.of(value) : value;
    }

    /**
     * Loads the configuration: {@code env}, then the properties file, then defaults.
     *
     * @param env        the environment (usually {@link System#getenv()})
     * @param workingDir where {@code orderkpi.properties} is looked for
     * @throws ConfigException naming the key and the reason when a value is bad
     */
    public static ServerConfig load(Map<String, String> env, Path workingDir) {
        Map<String, String> values = new LinkedHashMap<>();
        KEYS.forEach(key -> values.put(key.name(), key.defaultValue()));
        values.putAll(propertiesFile(env, workingDir));
        for (String key : BY_NAME.keySet()) {
            String value = env.get(key);
            if (value != null) {
                values.put(key, value.strip());
            }
        }
        return new ServerConfig(values, 0);
    }

    /** The defaults alone, as with an empty environment and no properties file. */
    public static ServerConfig defaults(Path workingDir) {
        return load(Map.of(), workingDir);
    }

    private static Map<String, String> propertiesFile(Map<String, String> env, Path workingDir) {
        String named = env.get(CONFIG_FILE_ENV);
        Path file = named != null && !named.isBlank() ? workingDir.resolve(named.strip())
                : workingDir.resolve(DEFAULT_CONFIG_FILE);
        if (!Files.exists(file)) {
            if (named != null && !named.isBlank()) {
                throw new ConfigException(CONFIG_FILE_ENV + ": no such file '" + file + "'");
            }
            return Map.of();
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            // A typo in a file would otherwise be silently ignored.
            if (!BY_NAME.containsKey(key)) {
                throw new ConfigException(file.getFileName() + ": unknown key '" + key + "'");
            }
            values.put(key, properties.getProperty(key).strip());
        }
        return values;
    }

    // ---- withers for command line overrides

    public ServerConfig withPort(int value) {
        return with(PORT, Integer.toString(value));
    }

    public ServerConfig withBind(String value) {
        return with(BIND, value);
    }

    public ServerConfig withWorkers(int value) {
        return with(WORKERS, Integer.toString(value));
    }

    /**
     * Demo mode ({@code serve --demo N}): always in-memory stores and the log channel only,
     * whatever else is configured, with {@code count} sample orders imported at start.
     */
    public ServerConfig withDemoOrders(int count) {
        if (count < 1) {
            throw new ConfigException("--demo: not a positive number of orders '" + count + "'");
        }
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(MYSQL_URL, NONE);
        copy.put(REDIS_URL, NONE);
        copy.put(QUEUE, NONE);
        copy.put(NOTIFY_CHANNELS, "log");
        return new ServerConfig(copy, count);
    }

    /** A copy with one raw value replaced, validated again. */
    public ServerConfig with(String key, String value) {
        if (!BY_NAME.containsKey(key)) {
            throw new ConfigException("unknown configuration key '" + key + "'");
        }
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, Objects.requireNonNull(value, key).strip());
        return new ServerConfig(copy, demoOrders);
    }

    /**
     * Checks what only serving needs: a safe bind address.
     *
     * @throws ConfigException when the configuration binds a non-loopback address without a token
     */
    public void requireServable() {
        if (apiToken().isEmpty() && !isLoopback(bind())) {
            throw new ConfigException(BIND + ": refusing to listen on non-loopback address '" + bind()
                    + "' without " + API_TOKEN + "; set a token or bind 127.0.0.1");
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException(BIND + ": unknown host '" + host + "'");
        }
    }

    /**
     * Every key with its effective value as it may be shown: secrets as {@code ****} when set,
     * passwords inside URLs as {@code ****}; for {@code config print} and logs.
     */
    public Map<String, String> redacted() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ConfigKey key : KEYS) {
            out.put(key.name(), key.secrecy().show(values.get(key.name())));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Every key this version knows, with its default ({@code ""} = unset). */
    public static Map<String, String> knownKeys() {
        Map<String, String> out = new LinkedHashMap<>();
        KEYS.forEach(key -> out.put(key.name(), key.defaultValue()));
        return Collections.unmodifiableMap(out);
    }

    /** The Markdown table of {@code docs/deploy.md}, generated from {@link #keys()}. */
    public static String documentationTable() {
        StringBuilder out = new StringBuilder("| key | default | meaning |\n| --- | --- | --- |\n");
        for (ConfigKey key : KEYS) {
            out.append("| `").append(key.name()).append("` | ").append(key.shownDefault()).append(" | ")
                    .append(key.doc()).append(key.secrecy() == Secrecy.SECRET ? " (secret: shown as `****`)"
                            : key.secrecy() == Secrecy.URL ? " (a password in it is shown as `****`)" : "")
                    .append(" |\n");
        }
        return out.toString();
    }

    // ---- typed accessors

    private <T> T value(String key, Class<T> type) {
        return type.cast(typed.get(key));
    }

    private <T> Optional<T> optional(String key, Class<T> type) {
        return ((Optional<?>) typed.get(key)).map(type::cast);
    }

    public int port() {
        return value(PORT, Integer.class);
    }

    public String bind() {
        return value(BIND, String.class);
    }

    public Optional<String> apiToken() {
        return optional(API_TOKEN, String.class);
    }

    public Optional<String> readToken() {
        return optional(READ_TOKEN, String.class);
    }

    public boolean publicAnalytics() {
        return value(PUBLIC_ANALYTICS, Boolean.class);
    }

    /** The job store: as configured, else Redis when a Redis URL is set, else MySQL when a MySQL URL is, else memory. */
    public String queue() {
        return optional(QUEUE, String.class).orElseGet(() -> redisUrl().isPresent() ? "redis"
                : mysqlUrl().isPresent() ? "mysql" : "memory");
    }

    /** The Redis URI of the KPI store (and job store), when one is configured. */
    public Optional<URI> redisUrl() {
        return optional(REDIS_URL, URI.class);
    }

    public String redisPrefix() {
        return value(REDIS_PREFIX, String.class);
    }

    public Optional<String> mysqlUser() {
        return optional(MYSQL_USER, String.class);
    }

    public Optional<String> mysqlPassword() {
        return optional(MYSQL_PASSWORD, String.class);
    }

    /** The JDBC URL of the MySQL record store, when one is configured. */
    public Optional<String> mysqlUrl() {
        return optional(MYSQL_URL, String.class);
    }

    public String mysqlMigrate() {
        return value(MYSQL_MIGRATE, String.class);
    }

    public int workers() {
        return value(WORKERS, Integer.class);
    }

    public int jobAttempts() {
        return value(JOB_ATTEMPTS, Integer.class);
    }

    public Duration claimIdle() {
        return value(CLAIM_IDLE_SECONDS, Duration.class);
    }

    public Duration shutdownGrace() {
        return value(SHUTDOWN_GRACE_SECONDS, Duration.class);
    }

    public ZoneId zone() {
        return value(TIMEZONE, ZoneId.class);
    }

    public String currency() {
        return value(CURRENCY, String.class);
    }

    public Duration retention() {
        return value(RETENTION_DAYS, Duration.class);
    }

    public Duration historyRetention() {
        return value(HISTORY_RETENTION_DAYS, Duration.class);
    }

    /** The {@code ORDERKPI_SMTP_*} keys, parsed; used when {@link #notifyChannels()} has {@code email}. */
    public EmailChannelConfig email() {
        return email;
    }

    public List<String> notifyChannels() {
        return ((List<?>) typed.get(NOTIFY_CHANNELS)).stream().map(String.class::cast).toList();
    }

    /** Largest accepted import upload. */
    public long maxUploadBytes() {
        return value(MAX_UPLOAD_BYTES, Long.class);
    }

    /** Largest accepted body of every other request. */
    public long maxBodyBytes() {
        return value(MAX_BODY_BYTES, Long.class);
    }

    /** Longest silence of a client, between requests and inside one. */
    public Duration httpIdleTimeout() {
        return value(HTTP_IDLE_SECONDS, Duration.class);
    }

    /** How long after its first byte a request's head must be complete. */
    public Duration httpHeadTimeout() {
        return value(HTTP_HEAD_SECONDS, Duration.class);
    }

    /** Lowest average rate of a request body once its grace period is over. */
    public long httpMinBytesPerSecond() {
        return value(HTTP_MIN_BYTES_PER_SECOND, Long.class);
    }

    /** Connections open at once. */
    public int httpMaxConnections() {
        return value(HTTP_MAX_CONNECTIONS, Integer.class);
    }

    /** Requests other than imports served at once. */
    public int httpThreads() {
        return value(HTTP_THREADS, Integer.class);
    }

    /** Requests that may wait to be served before the server answers 503. */
    public int httpQueue() {
        return value(HTTP_QUEUE, Integer.class);
    }

    /** Imports that may run at once before the server answers 429. */
    public int importSlots() {
        return value(IMPORT_SLOTS, Integer.class);
    }

    public double stockFailureRate() {
        return value(STOCK_FAILURE_RATE, Double.class);
    }

    public double paymentFailureRate() {
        return value(PAYMENT_FAILURE_RATE, Double.class);
    }

    public double refundFailureRate() {
        return value(REFUND_FAILURE_RATE, Double.class);
    }

    public OptionalLong simSeed() {
        return optional(SIM_SEED, Long.class).map(OptionalLong::of).orElseGet(OptionalLong::empty);
    }

    /** Sample orders imported at start ({@code serve --demo}); 0 when not in demo mode. */
    public int demoOrders() {
        return demoOrders;
    }

    public boolean isDemo() {
        return demoOrders > 0;
    }

    /** The raw effective value of a key ({@code ""} when unset). */
    public String raw(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new ConfigException("unknown configuration key '" + key + "'");
        }
        return value;
    }

    // ---- cross-checks and parsers

    private void crossChecks() {
        if (readToken().isPresent() && apiToken().isEmpty()) {
            throw new ConfigException(READ_TOKEN + ": set only together with " + API_TOKEN);
        }
        if (readToken().isPresent() && readToken().equals(apiToken())) {
            throw new ConfigException(READ_TOKEN + ": must differ from " + API_TOKEN);
        }
        boolean redis = optional(REDIS_URL, URI.class).isPresent();
        if (redis && mysqlUrl().isEmpty()) {
            throw new ConfigException(REDIS_URL + ": Redis needs " + MYSQL_URL
                    + " too (in-memory order ids restart, so Redis would take new orders for old ones)");
        }
        if ("redis".equals(queue()) && !redis) {
            throw new ConfigException(QUEUE + ": 'redis' needs " + REDIS_URL);
        }
        if ("mysql".equals(queue()) && mysqlUrl().isEmpty()) {
            throw new ConfigException(QUEUE + ": 'mysql' needs " + MYSQL_URL);
        }
        if (notifyChannels().contains("email")) {
            email.requireComplete();
        }
    }

    private static ConfigKey key(String name, String defaultValue, Parser<?> parser, String doc) {
        return new ConfigKey(name, defaultValue, parser, Secrecy.PLAIN, null, doc);
    }

    private static ConfigKey key(String name, String defaultValue, Parser<?> parser, Secrecy secrecy,
            String shownDefault, String doc) {
        return new ConfigKey(name, defaultValue, parser, secrecy, shownDefault, doc);
    }

    private static String text(String raw) {
        return raw;
    }

    private static Parser<Long> longs(long min, long max, String reason) {
        return raw -> {
            try {
                long parsed = Long.parseLong(raw);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(reason);
        };
    }

    private static Parser<Integer> ints(int min, int max, String reason) {
        Parser<Long> longs = longs(min, max, reason);
        return raw -> longs.parse(raw).intValue();
    }

    private static Parser<Duration> seconds(int min, int max) {
        Parser<Integer> ints = ints(min, max, "not a number of seconds from " + min + " to " + max);
        return raw -> Duration.ofSeconds(ints.parse(raw));
    }

    private static Parser<Duration> days() {
        Parser<Integer> ints = ints(0, 36_500, "not a number of days (0 = forever)");
        return raw -> Duration.ofDays(ints.parse(raw));
    }

    private static String token(String token) {
        // Never echo the token itself: the message ends up in logs (its secrecy keeps it out).
        if (token.length() < 16) {
            throw new IllegalArgumentException("too short, use at least 16 characters");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("only printable ASCII without spaces is allowed");
        }
        return token;
    }

    private static boolean bool(String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not true or false");
        };
    }

    private static double rate(String raw) {
        try {
            double parsed = Double.parseDouble(raw);
            if (parsed >= 0 && parsed <= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("not a probability from 0 to 1");
    }

    private static Parser<String> oneOf(String... allowed) {
        return raw -> {
            String value = raw.toLowerCase(Locale.ROOT);
            if (Arrays.asList(allowed).contains(value)) {
                return value;
            }
            throw new IllegalArgumentException("not one of " + String.join(", ", allowed));
        };
    }

    private static ZoneId zone(String raw) {
        try {
            return ZoneId.of(raw);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("not a time zone such as UTC or Europe/Berlin", e);
        }
    }

    private static String currency(String raw) {
        if (raw.length() == 3 && raw.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            return raw;
        }
        throw new IllegalArgumentException("not a 3-letter ISO 4217 code such as USD");
    }

    private static List<String> channels(String raw) {
        List<String> channels = Arrays.stream(raw.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).distinct().collect(Collectors.toCollection(ArrayList::new));
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("must name at least one channel (log, email)");
        }
        for (String channel : channels) {
            if (!channel.equals("log") && !channel.equals("email")) {
                throw new IllegalArgumentException("unknown channel '" + channel + "', use log and/or email");
            }
        }
        return List.copyOf(channels);
    }

    private static String email(String value) {
        int at = value.indexOf('@');
        if (at < 1 || at == value.length() - 1 || value.chars().anyMatch(c -> c <= 0x20)) {
            // The address may be personal: its secrecy keeps the value out of the message.
            throw new IllegalArgumentException("not an e-mail address such as shop@example.com");
        }
        return value;
    }

    private static String jdbcUrl(String url) {
        if (!url.startsWith("jdbc:mysql://")) {
            throw new IllegalArgumentException("not a JDBC URL such as jdbc:mysql://127.0.0.1:3306/orderkpi");
        }
        return url;
    }

    private static URI redisUri(String value) {
        try {
            URI uri = new URI(value);
            if (("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException("not a Redis URI such as redis://127.0.0.1:6379/0");
    }

    @Override
    public String toString() {
        return redacted().entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", "ServerConfig[", "]"));
    }
}
