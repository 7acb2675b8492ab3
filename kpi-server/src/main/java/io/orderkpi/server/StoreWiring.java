package io.orderkpi.server;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.analytics.Analytics;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.spi.JobStore;
import io.orderkpi.core.spi.KpiStore;
import io.orderkpi.core.spi.Lease;
import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.mysql.MySqlDataSources;
import io.orderkpi.mysql.MySqlJobStore;
import io.orderkpi.mysql.MySqlLease;
import io.orderkpi.mysql.MySqlRecordStore;
import io.orderkpi.mysql.SchemaMigration;
import io.orderkpi.redis.RedisJobStore;
import io.orderkpi.redis.RedisKpiStore;
import io.orderkpi.redis.RedisLease;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores the configuration asks for (SPEC §8, §9): records in MySQL with
 * {@code ORDERKPI_MYSQL_URL}, KPIs in Redis with {@code ORDERKPI_REDIS_URL}, the job store named by
 * {@link ServerConfig#queue()}, and the relay's lease on the shared back-end (Redis, else MySQL);
 * everything in memory by default. It owns the connections it opens and closes them after the
 * facade, which leaves stores it was given open.
 */
final class StoreWiring implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWiring.class);

    private final Optional<RecordStore> records;
    private final Optional<KpiStore> kpis;
    private final Optional<JobStore> jobs;
    private final Optional<Lease> lease;
    private final Optional<Clock> jobClock;
    private final String description;
    /** {@code host:port/database} of the MySQL URL, without account or parameters. */
    private final Optional<String> mysqlAddress;
    /** {@code host:port/database} of the Redis URL, without account. */
    private final Optional<String> redisAddress;
    private final Deque<AutoCloseable> owned;

    private StoreWiring(Optional<RecordStore> records, Optional<KpiStore> kpis, Optional<JobStore> jobs,
            Optional<Lease> lease, Optional<Clock> jobClock, String description, ServerConfig config,
            Deque<AutoCloseable> owned) {
        this.records = records;
        this.kpis = kpis;
        this.jobs = jobs;
        this.lease = lease;
        this.jobClock = jobClock;
        this.description = description;
        this.mysqlAddress = records.isPresent() ? config.mysqlUrl().map(StoreWiring::address) : Optional.empty();
        this.redisAddress = kpis.isPresent() ? config.redisUrl().map(uri -> address(uri.toString())) : Optional.empty();
        this.owned = owned;
    }

    /**
     * Opens the configured stores. A database that is down does not stop this (the stores report
     * it per call, and the facade's start names it); a schema that cannot be brought to the current
     * version with {@code ORDERKPI_MYSQL_MIGRATE} does.
     */
    static StoreWiring from(ServerConfig config, MeterRegistry meters) {
        Deque<AutoCloseable> owned = new ArrayDeque<>();
        try {
            return open(config, meters, owned);
        } catch (RuntimeException e) {
            closeAll(owned);
            throw e;
        }
    }

    private static StoreWiring open(ServerConfig config, MeterRegistry meters, Deque<AutoCloseable> owned) {
        Optional<RecordStore> records = Optional.empty();
        Optional<Lease> lease = Optional.empty();
        Optional<JobStore> jobs = Optional.empty();
        Optional<KpiStore> kpis = Optional.empty();
        Optional<Clock> jobClock = Optional.empty();
        HikariDataSource pool = null;
        if (config.mysqlUrl().isPresent()) {
            pool = MySqlDataSources.pool(config.mysqlUrl().get(), config.mysqlUser().orElse(null),
                    config.mysqlPassword().orElse(null));
            owned.push(pool);
            // hikaricp_connections{,_active,_idle,_pending} on /metrics: a leak or an exhausted pool shows.
            pool.setMetricRegistry(meters);
            SchemaMigration migration = SchemaMigration.valueOf(config.mysqlMigrate().toUpperCase(Locale.ROOT));
            records = Optional.of(MySqlRecordStore.on(pool, Clock.systemUTC(), migration));
            lease = Optional.of(MySqlLease.on(pool, migration));
            if ("mysql".equals(config.queue())) {
                jobs = Optional.of(MySqlJobStore.on(pool, Clock.systemUTC(), migration));
            }
        }
        if (config.redisUrl().isPresent()) {
            String uri = config.redisUrl().get().toString();
            String prefix = config.redisPrefix();
            RedisKpiStore kpiStore = RedisKpiStore.builder().uri(uri).prefix(prefix).retention(config.retention())
                    .build();
            owned.push(kpiStore);
            kpis = Optional.of(kpiStore);
            RedisLease redisLease = RedisLease.builder().uri(uri).prefix(prefix).build();
            owned.push(redisLease);
            lease = Optional.of(redisLease);
            if ("redis".equals(config.queue())) {
                RedisJobStore jobStore = RedisJobStore.builder().uri(uri).prefix(prefix).build();
                owned.push(jobStore);
                jobs = Optional.of(jobStore);
                // The engines extend leases by the store's clock (the Redis server's), as every process does.
                jobClock = Optional.of(jobStore.clock());
            }
        }
        String description = (records.isPresent() ? "MySQL records (" + Redaction.url(config.mysqlUrl().get()) + ")"
                : "in-memory records") + ", " + (kpis.isPresent()
                        ? "Redis KPIs (" + Redaction.url(config.redisUrl().get().toString()) + ")" : "in-memory KPIs")
                + ", " + config.queue() + " job store";
        return new StoreWiring(records, kpis, jobs, lease, jobClock, description, config, owned);
    }

    /** Gives the facade the stores that are not in memory. */
    void applyTo(OrderKpi.Builder builder) {
        records.ifPresent(builder::records);
        kpis.ifPresent(builder::kpis);
        jobs.ifPresent(builder::jobs);
        lease.ifPresent(builder::lease);
        jobClock.ifPresent(builder::jobClock);
    }

    /** Durable records with KPIs in memory: the KPIs must be rebuilt from the records at start. */
    boolean kpisNeedRebuild() {
        return records.isPresent() && kpis.isEmpty();
    }

    /**
     * What {@code /ready} checks of the stores, in order, each answering {@code ok} or the reason:
     * {@code mysql} for records in MySQL, else {@code records}; {@code redis} for KPIs in Redis,
     * else {@code kpis}. A job store or lease on MySQL or Redis lives on the same server, so the
     * server's one check covers it (one probe, so an outage costs {@code /ready} one connection
     * timeout, not three). A database that cannot be reached is named by its address and the
     * cause, {@code MySQL 127.0.0.1:3306/orderkpi unreachable: Connection refused}; never with
     * its account.
     */
    Map<String, Supplier<String>> checks(OrderKpi kpi) {
        Map<String, Supplier<String>> checks = new LinkedHashMap<>();
        checks.put(mysqlAddress.isPresent() ? "mysql" : "records", probe(mysqlAddress.map(a -> "MySQL " + a),
                () -> kpi.records().outbox().pending(Analytics.SUBSCRIBER, 1)));
        checks.put(redisAddress.isPresent() ? "redis" : "kpis", probe(redisAddress.map(a -> "Redis " + a),
                () -> kpi.kpis().zone()));
        return checks;
    }

    /** A failure faster than this came from a pooled connection found broken, not from a wait for the server. */
    private static final long STALE_CONNECTION_NANOS = 1_000_000_000L;
    /** More than the MySQL pool's connections: each instant failure drops one of them. */
    private static final int STALE_ATTEMPTS = 20;

    private static Supplier<String> probe(Optional<String> database, Supplier<?> call) {
        return () -> {
            try {
                // A connection the pool still held from before an outage fails at once with "connection
                // lost" and is dropped; the pool may hold several, so the probe goes on while failures are
                // instant (at most a pool's worth), and a try that reaches the server tells its state.
                for (int attempt = 1; ; attempt++) {
                    long start = System.nanoTime();
                    try {
                        call.get();
                        return "ok";
                    } catch (StoreUnavailableException e) {
                        if (attempt >= STALE_ATTEMPTS || System.nanoTime() - start >= STALE_CONNECTION_NANOS) {
                            throw e;
                        }
                    }
                }
            } catch (RuntimeException e) {
                String reason = rootReason(e);
                return database.map(name -> name + (e instanceof StoreUnavailableException ? " unreachable: "
                        : " failed: ") + reason).orElse(reason);
            }
        };
    }

    /**
     * The innermost message of a failure, first line only: the driver's "Connection refused"
     * rather than the pool's "Connection is not available, request timed out" around it.
     */
    static String rootReason(Throwable failure) {
        String reason = failure.getClass().getSimpleName();
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && !message.isBlank()) {
                reason = message.strip().lines().findFirst().orElse(message);
            }
        }
        return reason;
    }

    /**
     * {@code host:port/database} of a JDBC or Redis URL: the scheme, the account and the
     * parameters left out, so no password can show.
     */
    static String address(String url) {
        String rest = url.replaceFirst("^jdbc:", "");
        int scheme = rest.indexOf("://");
        rest = scheme >= 0 ? rest.substring(scheme + 3) : rest;
        int query = rest.indexOf('?');
        rest = query >= 0 ? rest.substring(0, query) : rest;
        int slash = rest.indexOf('/');
        int at = rest.lastIndexOf('@', slash >= 0 ? slash : rest.length());
        return at >= 0 ? rest.substring(at + 1) : rest;
    }

    /** One line for the start-up log. */
    String describe() {
        return description;
    }

    /** Closes the connections this wiring opened, newest first. */
    @Override
    public void close() {
        closeAll(owned);
    }

    private static void closeAll(Deque<AutoCloseable> owned) {
        while (!owned.isEmpty()) {
            AutoCloseable resource = owned.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
