package io.orderkpi.server;

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
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The server's effective configuration (SPEC §9 "Configuration"): environment variables, then the
 * same keys in {@code orderkpi.properties} (in the working directory, or at the path in
 * {@code ORDERKPI_CONFIG}), then defaults. Validated once, when built: every value here is known
 * to be well-formed, so the wiring never re-checks. Immutable and thread-safe; the withers (for
 * command line overrides) return a new, validated instance.
 *
 * <p>The MySQL and Redis keys are parsed and validated, but this version has only the in-memory
 * stores: {@link #requireServable()} refuses a configuration that asks for more, rather than
 * silently ignoring it. The SMTP keys are parsed by {@link EmailChannelConfig}.
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
    public static final String HTTP_THREADS = "ORDERKPI_HTTP_THREADS";
    public static final String HTTP_QUEUE = "ORDERKPI_HTTP_QUEUE";
    public static final String IMPORT_SLOTS = "ORDERKPI_IMPORT_SLOTS";

    private static final String NONE = "";

    /** Every key with its default ({@code ""} = unset), in documentation order. */
    private static final Map<String, String> DEFAULTS = defaults();
    private static final Set<String> SECRETS = Set.of(API_TOKEN, READ_TOKEN, MYSQL_PASSWORD, SMTP_PASSWORD);

    private final Map<String, String> values;
    private final int demoOrders;

    private final int port;
    private final String bind;
    private final Optional<String> apiToken;
    private final Optional<String> readToken;
    private final boolean publicAnalytics;
    private final Optional<String> mysqlUrl;
    private final String mysqlMigrate;
    private final Optional<URI> redisUrl;
    private final String queue;
    private final int workers;
    private final int jobAttempts;
    private final Duration claimIdle;
    private final Duration shutdownGrace;
    private final ZoneId zone;
    private final String currency;
    private final Duration retention;
    private final Duration historyRetention;
    private final List<String> notifyChannels;
    private final EmailChannelConfig email;
    private final long maxUploadBytes;
    private final long maxBodyBytes;
    private final Duration httpIdleTimeout;
    private final int httpThreads;
    private final int httpQueue;
    private final int importSlots;
    private final double stockFailureRate;
    private final double paymentFailureRate;
    private final double refundFailureRate;
    private final OptionalLong simSeed;

    private ServerConfig(Map<String, String> values, int demoOrders) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.demoOrders = demoOrders;
        this.port = intValue(PORT, 0, 65_535, "not a port number");
        this.bind = required(BIND);
        this.apiToken = token(API_TOKEN);
        this.readToken = token(READ_TOKEN);
        this.publicAnalytics = bool(PUBLIC_ANALYTICS);
        this.mysqlUrl = optional(MYSQL_URL);
        mysqlUrl.ifPresent(url -> {
            if (!url.startsWith("jdbc:mysql://") && !url.startsWith("jdbc:mariadb://")) {
                throw bad(MYSQL_URL, "not a JDBC URL such as jdbc:mysql://127.0.0.1:3306/orderkpi", url);
            }
        });
        this.mysqlMigrate = oneOf(MYSQL_MIGRATE, "auto", "validate", "off");
        this.redisUrl = optional(REDIS_URL).map(ServerConfig::redisUri);
        required(REDIS_PREFIX);
        this.queue = oneOf(QUEUE, "memory", "redis", "mysql");
        this.workers = intValue(WORKERS, 4, 1_024, "not a worker count from 4 (one per queue) to 1024");
        this.jobAttempts = intValue(JOB_ATTEMPTS, 1, 100, "not a number of attempts from 1 to 100");
        this.claimIdle = Duration.ofSeconds(intValue(CLAIM_IDLE_SECONDS, 1, 86_400, "not a number of seconds from 1 to 86400"));
        this.shutdownGrace = Duration.ofSeconds(intValue(SHUTDOWN_GRACE_SECONDS, 0, 3_600,
                "not a number of seconds from 0 to 3600"));
        this.zone = zone(TIMEZONE);
        this.currency = currency(CURRENCY);
        this.retention = Duration.ofDays(intValue(RETENTION_DAYS, 0, 36_500, "not a number of days (0 = forever)"));
        this.historyRetention = Duration.ofDays(intValue(HISTORY_RETENTION_DAYS, 0, 36_500,
                "not a number of days (0 = forever)"));
        this.notifyChannels = channels();
        this.email = EmailChannelConfig.parse(values::get);
        this.maxUploadBytes = longValue(MAX_UPLOAD_BYTES, 1, Long.MAX_VALUE, "not a positive number of bytes");
        this.maxBodyBytes = longValue(MAX_BODY_BYTES, 1, Integer.MAX_VALUE, "not a positive number of bytes");
        this.httpIdleTimeout = Duration.ofSeconds(intValue(HTTP_IDLE_SECONDS, 1, 3_600,
                "not a number of seconds from 1 to 3600"));
        this.httpThreads = intValue(HTTP_THREADS, 1, 1_024, "not a thread count from 1 to 1024");
        this.httpQueue = intValue(HTTP_QUEUE, 1, 100_000, "not a queue length from 1 to 100000");
        this.importSlots = intValue(IMPORT_SLOTS, 1, 64, "not a number of concurrent imports from 1 to 64");
        this.stockFailureRate = rate(STOCK_FAILURE_RATE);
        this.paymentFailureRate = rate(PAYMENT_FAILURE_RATE);
        this.refundFailureRate = rate(REFUND_FAILURE_RATE);
        this.simSeed = optional(SIM_SEED).isPresent()
                ? OptionalLong.of(longValue(SIM_SEED, Long.MIN_VALUE, Long.MAX_VALUE, "not an integer seed"))
                : OptionalLong.empty();
        crossChecks();
    }

    /**
     * Loads the configuration: {@code env}, then the properties file, then defaults.
     *
     * @param env        the environment (usually {@link System#getenv()})
     * @param workingDir where {@code orderkpi.properties} is looked for
     * @throws ConfigException naming the key and the reason when a value is bad
     */
    public static ServerConfig load(Map<String, String> env, Path workingDir) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        values.putAll(propertiesFile(env, workingDir));
        for (String key : DEFAULTS.keySet()) {
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
            if (!DEFAULTS.containsKey(key)) {
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
        copy.put(QUEUE, "memory");
        copy.put(NOTIFY_CHANNELS, "log");
        return new ServerConfig(copy, count);
    }

    /** A copy with one raw value replaced, validated again. */
    public ServerConfig with(String key, String value) {
        if (!DEFAULTS.containsKey(key)) {
            throw new ConfigException("unknown configuration key '" + key + "'");
        }
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, Objects.requireNonNull(value, key).strip());
        return new ServerConfig(copy, demoOrders);
    }

    /**
     * Checks what only serving needs: the back-ends of this version and a safe bind address.
     *
     * @throws ConfigException when the configuration asks for a back-end this version lacks, or
     *         binds a non-loopback address without a token
     */
    public void requireServable() {
        if (mysqlUrl.isPresent()) {
            throw new ConfigException(MYSQL_URL + ": the MySQL back-end is not available in this version;"
                    + " unset it to run on in-memory stores");
        }
        if (redisUrl.isPresent()) {
            throw new ConfigException(REDIS_URL + ": the Redis back-end is not available in this version;"
                    + " unset it to run on in-memory stores");
        }
        if (apiToken.isEmpty() && !isLoopback(bind)) {
            throw new ConfigException(BIND + ": refusing to listen on non-loopback address '" + bind
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

    /** Every key with its effective value, secrets as {@code ****} when set; for {@code config print}. */
    public Map<String, String> redacted() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((key, value) -> out.put(key, SECRETS.contains(key) && !value.isEmpty() ? "****" : value));
        return Collections.unmodifiableMap(out);
    }

    /** Every key this version knows, with its default ({@code ""} = unset). */
    public static Map<String, String> knownKeys() {
        return DEFAULTS;
    }

    // ---- typed accessors

    public int port() {
        return port;
    }

    public String bind() {
        return bind;
    }

    public Optional<String> apiToken() {
        return apiToken;
    }

    public Optional<String> readToken() {
        return readToken;
    }

    public boolean publicAnalytics() {
        return publicAnalytics;
    }

    public String queue() {
        return queue;
    }

    /** The JDBC URL of the MySQL record store, when one is configured. */
    public Optional<String> mysqlUrl() {
        return mysqlUrl;
    }

    public String mysqlMigrate() {
        return mysqlMigrate;
    }

    public int workers() {
        return workers;
    }

    public int jobAttempts() {
        return jobAttempts;
    }

    public Duration claimIdle() {
        return claimIdle;
    }

    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    public ZoneId zone() {
        return zone;
    }

    public String currency() {
        return currency;
    }

    public Duration retention() {
        return retention;
    }

    public Duration historyRetention() {
        return historyRetention;
    }

    public List<String> notifyChannels() {
        return notifyChannels;
    }

    /** The {@code ORDERKPI_SMTP_*} keys, parsed; used when {@link #notifyChannels()} has {@code email}. */
    public EmailChannelConfig email() {
        return email;
    }

    /** Largest accepted import upload. */
    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    /** Largest accepted body of every other request. */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** How long a client may send nothing while the server waits for its request body. */
    public Duration httpIdleTimeout() {
        return httpIdleTimeout;
    }

    /** Threads serving requests other than imports. */
    public int httpThreads() {
        return httpThreads;
    }

    /** Requests that may wait for a thread before the server answers 503. */
    public int httpQueue() {
        return httpQueue;
    }

    /** Imports that may run at once before the server answers 429. */
    public int importSlots() {
        return importSlots;
    }

    public double stockFailureRate() {
        return stockFailureRate;
    }

    public double paymentFailureRate() {
        return paymentFailureRate;
    }

    public double refundFailureRate() {
        return refundFailureRate;
    }

    public OptionalLong simSeed() {
        return simSeed;
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

    // ---- parsing

    private void crossChecks() {
        if (readToken.isPresent() && apiToken.isEmpty()) {
            throw new ConfigException(READ_TOKEN + ": set only together with " + API_TOKEN);
        }
        if (readToken.isPresent() && readToken.equals(apiToken)) {
            throw new ConfigException(READ_TOKEN + ": must differ from " + API_TOKEN);
        }
        if (redisUrl.isPresent() && mysqlUrl.isEmpty()) {
            throw new ConfigException(REDIS_URL + ": Redis needs " + MYSQL_URL
                    + " too (in-memory order ids restart, so Redis would take new orders for old ones)");
        }
        if ("redis".equals(queue) && redisUrl.isEmpty()) {
            throw new ConfigException(QUEUE + ": 'redis' needs " + REDIS_URL);
        }
        if ("mysql".equals(queue) && mysqlUrl.isEmpty()) {
            throw new ConfigException(QUEUE + ": 'mysql' needs " + MYSQL_URL);
        }
        if (notifyChannels.contains("email")) {
            email.requireComplete();
        }
    }

    private Optional<String> optional(String key) {
        String value = values.get(key);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private String required(String key) {
        return optional(key).orElseThrow(() -> new ConfigException(key + ": must not be empty"));
    }

    private Optional<String> token(String key) {
        Optional<String> value = optional(key);
        value.ifPresent(token -> {
            // Never echo the token itself: the message ends up in logs.
            if (token.length() < 16) {
                throw new ConfigException(key + ": too short, use at least 16 characters");
            }
            if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new ConfigException(key + ": only printable ASCII without spaces is allowed");
            }
        });
        return value;
    }

    private boolean bool(String key) {
        String value = values.get(key).toLowerCase(Locale.ROOT);
        if (value.equals("true")) {
            return true;
        }
        if (value.equals("false") || value.isEmpty()) {
            return false;
        }
        throw bad(key, "not true or false", values.get(key));
    }

    private int intValue(String key, int min, int max, String reason) {
        return (int) longValue(key, min, max, reason);
    }

    private long longValue(String key, long min, long max, String reason) {
        String value = values.get(key);
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(key, reason, value);
    }

    private double rate(String key) {
        String value = values.get(key);
        try {
            double parsed = Double.parseDouble(value);
            if (parsed >= 0 && parsed <= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(key, "not a probability from 0 to 1", value);
    }

    private String oneOf(String key, String... allowed) {
        String value = values.get(key).toLowerCase(Locale.ROOT);
        if (Arrays.asList(allowed).contains(value)) {
            return value;
        }
        throw bad(key, "not one of " + String.join(", ", allowed), values.get(key));
    }

    private ZoneId zone(String key) {
        try {
            return ZoneId.of(values.get(key));
        } catch (DateTimeException e) {
            throw bad(key, "not a time zone such as UTC or Europe/Berlin", values.get(key));
        }
    }

    private String currency(String key) {
        String value = values.get(key);
        if (value.length() == 3 && value.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            return value;
        }
        throw bad(key, "not a 3-letter ISO 4217 code such as USD", value);
    }

    private List<String> channels() {
        List<String> channels = Arrays.stream(values.get(NOTIFY_CHANNELS).split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT)).distinct()
                .collect(Collectors.toList());
        if (channels.isEmpty()) {
            throw new ConfigException(NOTIFY_CHANNELS + ": must name at least one channel (log, email)");
        }
        for (String channel : channels) {
            if (!channel.equals("log") && !channel.equals("email")) {
                throw bad(NOTIFY_CHANNELS, "unknown channel, use log and/or email", channel);
            }
        }
        return List.copyOf(channels);
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
        // The URI may carry a password: never echo it.
        throw new ConfigException(REDIS_URL + ": not a Redis URI such as redis://127.0.0.1:6379/0");
    }

    private static ConfigException bad(String key, String reason, String value) {
        return new ConfigException(key + ": " + reason + " '" + value + "'");
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(PORT, "8088");
        d.put(BIND, "127.0.0.1");
        d.put(API_TOKEN, NONE);
        d.put(READ_TOKEN, NONE);
        d.put(PUBLIC_ANALYTICS, "false");
        d.put(MYSQL_URL, NONE);
        d.put(MYSQL_USER, NONE);
        d.put(MYSQL_PASSWORD, NONE);
        d.put(MYSQL_MIGRATE, "auto");
        d.put(REDIS_URL, NONE);
        d.put(REDIS_PREFIX, "okpi");
        d.put(QUEUE, "memory");
        d.put(WORKERS, "8");
        d.put(JOB_ATTEMPTS, "3");
        d.put(CLAIM_IDLE_SECONDS, "60");
        d.put(SHUTDOWN_GRACE_SECONDS, "30");
        d.put(TIMEZONE, "UTC");
        d.put(CURRENCY, "USD");
        d.put(RETENTION_DAYS, "30");
        d.put(HISTORY_RETENTION_DAYS, "90");
        d.put(NOTIFY_CHANNELS, "log");
        d.put(SMTP_HOST, NONE);
        d.put(SMTP_PORT, NONE); // by ORDERKPI_SMTP_TLS: 25, 587 or 465
        d.put(SMTP_USER, NONE);
        d.put(SMTP_PASSWORD, NONE);
        d.put(SMTP_FROM, NONE);
        d.put(SMTP_TLS, "starttls");
        d.put(SMTP_REDIRECT_TO, NONE);
        d.put(SMTP_CONNECT_TIMEOUT_SECONDS, "10");
        d.put(SMTP_TIMEOUT_SECONDS, "30");
        d.put(SMTP_POOL_SIZE, "4");
        d.put(MAX_UPLOAD_BYTES, Long.toString(1L << 30));
        d.put(STOCK_FAILURE_RATE, "0.10");
        d.put(PAYMENT_FAILURE_RATE, "0.15");
        d.put(REFUND_FAILURE_RATE, "0.05");
        d.put(SIM_SEED, NONE);
        d.put(MAX_BODY_BYTES, Long.toString(1L << 20));
        d.put(HTTP_IDLE_SECONDS, "30");
        d.put(HTTP_THREADS, "16");
        d.put(HTTP_QUEUE, "256");
        d.put(IMPORT_SLOTS, "2");
        return Collections.unmodifiableMap(d);
    }

    @Override
    public String toString() {
        return redacted().entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", "ServerConfig[", "]"));
    }

}
