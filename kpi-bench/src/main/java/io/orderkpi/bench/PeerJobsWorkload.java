package io.orderkpi.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.MySQL8JdbcCustomization;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.orderkpi.mysql.MySqlDataSources;
import io.orderkpi.mysql.MySqlJobStore;
import io.orderkpi.mysql.SchemaMigration;
import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * P10: no-op jobs per second through our job store (MySQL or Redis, one row each) under a worker
 * engine with two workers, against the peer JVM job library db-scheduler on the same MariaDB in
 * the same run, each run on a fresh database (and key prefix). Both enqueue while they consume and
 * time from the first enqueue to the last job handled.
 *
 * <p>db-scheduler is set up for throughput as its README advises: the {@code lock-and-fetch}
 * polling strategy ({@code SELECT … FOR UPDATE SKIP LOCKED}, which also saves the pick's
 * {@code UPDATE}) with the high-throughput limits {@code 1.0, 4.0} (fetch again when a thread's
 * worth of picked executions is left; fetch up to four per thread), {@code threads(2)} like our two
 * workers, immediate execution (a job scheduled for now is checked for at once instead of at
 * the next poll), a 100 ms polling interval instead of the default 10 s (only the tail of a run
 * waits for a poll) and timestamps kept in UTC. The JDBC customization is named explicitly: its
 * MySQL 8 one, because db-scheduler 16.7.1's MariaDB customization does not offer lock-and-fetch
 * while the MySQL 8 one's {@code SELECT … FOR UPDATE SKIP LOCKED} runs on MariaDB 10.6 and later.
 * Its table is the one its documentation gives for MariaDB.
 */
final class PeerJobsWorkload implements Workload {

    /** Which of our job stores the row measures. */
    enum Store {
        MYSQL(1.0, "MySQL ≥ 1"),
        REDIS(2.0, "Redis ≥ 2");

        private final double goal;
        private final String goalText;

        Store(double goal, String goalText) {
            this.goal = goal;
            this.goalText = goalText;
        }
    }

    private static final int FULL_JOBS = 6_000;
    private static final long BOUND_SECONDS = TimeUnit.MINUTES.toSeconds(5);
    private static final String TABLE = """
            CREATE TABLE scheduled_tasks (
              task_name            VARCHAR(100) NOT NULL,
              task_instance        VARCHAR(100) NOT NULL,
              task_data            BLOB,
              execution_time       TIMESTAMP(6) NOT NULL,
              picked               BOOLEAN      NOT NULL,
              picked_by            VARCHAR(50),
              last_success         TIMESTAMP(6) NULL,
              last_failure         TIMESTAMP(6) NULL,
              consecutive_failures INT,
              last_heartbeat       TIMESTAMP(6) NULL,
              version              BIGINT       NOT NULL,
              priority             SMALLINT,
              PRIMARY KEY (task_name, task_instance),
              INDEX execution_time_idx (execution_time),
              INDEX last_heartbeat_idx (last_heartbeat),
              INDEX priority_execution_time_idx (priority DESC, execution_time ASC)
            )""";

    private final Store store;

    PeerJobsWorkload(Store store) {
        this.store = store;
    }

    @Override
    public String id() {
        return "P10-" + store.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String title() {
        return "no-op jobs, " + (store == Store.MYSQL ? "MySQL" : "Redis") + " vs db-scheduler";
    }

    @Override
    public String unit() {
        return "jobs/s";
    }

    @Override
    public Goal goal() {
        return new Goal(store.goal, store.goalText);
    }

    @Override
    public Outcome run(Mode mode) throws Exception {
        int jobs = mode == Mode.SMOKE ? 50 : mode.size(FULL_JOBS, 200);
        String server = Backends.mysqlVersion();
        Map<String, String> notes = Map.of("jobs", Integer.toString(jobs), "workers",
                Integer.toString(EngineJobs.WORKERS), "peer", "db-scheduler " + peerVersion()
                        + ", lock-and-fetch 1.0/4.0, 2 threads, immediate execution, 100 ms polling", "mysql", server);
        if (store == Store.MYSQL) {
            return Pairs.measure(mode, () -> oursOnMySql(jobs), () -> dbScheduler(jobs), notes);
        }
        RedisClient client = Backends.redisClient();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return Pairs.measure(mode, () -> RedisJobsWorkload.ours(client, connection, jobs), () -> dbScheduler(jobs),
                    notes);
        } finally {
            client.shutdown();
        }
    }

    /** The db-scheduler version on the class path, from its Maven metadata. */
    private static String peerVersion() {
        try (var in = Scheduler.class.getResourceAsStream(
                "/META-INF/maven/com.github.kagkarlsson/db-scheduler/pom.properties")) {
            if (in == null) {
                return "(version unknown)";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "(version unknown)");
        } catch (IOException e) {
            return "(version unknown)";
        }
    }

    private static double oursOnMySql(int jobs) throws InterruptedException {
        try (Backends.MySqlDatabase database = Backends.newDatabase();
                HikariDataSource pool = MySqlDataSources.pool(database.url(), null, null);
                MySqlJobStore jobStore = MySqlJobStore.on(pool, Clock.systemUTC(), SchemaMigration.AUTO)) {
            return EngineJobs.run(jobStore, Clock.systemUTC(), jobs);
        }
    }

    private static double dbScheduler(int jobs) throws Exception {
        try (Backends.MySqlDatabase database = Backends.newDatabase(); HikariDataSource pool = plainPool(database)) {
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(TABLE);
            }
            CountDownLatch done = new CountDownLatch(jobs);
            OneTimeTask<Void> noop = Tasks.oneTime("bench-noop").execute((instance, context) -> done.countDown());
            // db-scheduler's MariaDB dialect does not offer lock-and-fetch; its MySQL 8 one does, with
            // SELECT ... FOR UPDATE SKIP LOCKED, which MariaDB runs since 10.6.
            JdbcCustomization dialect = new MySQL8JdbcCustomization(true);
            Scheduler scheduler = Scheduler.create(pool, noop).threads(EngineJobs.WORKERS)
                    .pollUsingLockAndFetch(1.0, 4.0).enableImmediateExecution()
                    .pollingInterval(Duration.ofMillis(100)).jdbcCustomization(dialect).alwaysPersistTimestampInUTC()
                    .shutdownMaxWait(Duration.ofSeconds(5)).build();
            scheduler.start();
            try {
                long start = System.nanoTime();
                for (int i = 0; i < jobs; i++) {
                    scheduler.schedule(noop.instance("job-" + i), Instant.now());
                }
                if (!done.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("db-scheduler ran only " + (jobs - done.getCount()) + " of " + jobs
                            + " jobs within " + BOUND_SECONDS + " s");
                }
                return Pairs.perSecond(jobs, System.nanoTime() - start);
            } finally {
                scheduler.stop();
            }
        }
    }

    /** A pool as an application would give db-scheduler: the driver's defaults, autocommit on. */
    private static HikariDataSource plainPool(Backends.MySqlDatabase database) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.url());
        config.setPoolName("db-scheduler");
        config.setMaximumPoolSize(10);
        return new HikariDataSource(config);
    }
}
