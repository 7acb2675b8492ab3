package io.orderkpi.bench.soak;

import java.time.Duration;
import java.util.Locale;

/**
 * What {@code --soak} runs: for how long, at which rates, against which MySQL server and Redis.
 * The default rates stay well under what the workflow sustains on MySQL and Redis on a 2-core
 * machine (about 35 orders/s), so the queues keep up and whatever grows is the server, not a
 * backlog.
 *
 * @param duration          how long the traffic runs
 * @param ordersPerSecond   imported orders per second, as one generated file every
 *                          {@code rowsPerFile / ordersPerSecond} seconds, each processed
 * @param rowsPerFile       orders per imported file
 * @param refundsPerSecond  refund requests per second (partial, full and repeated refund_ids)
 * @param readsPerSecond    report reads per second (daily, range and leaderboard in turn)
 * @param drainBound        longest wait for the queues to drain once the traffic stops
 * @param progressEvery     how often a progress line is printed
 * @param mysqlUrl          JDBC URL of the MySQL server (its database part is ignored): the soak
 *                          creates a database of its own there and drops it afterwards
 * @param redisUrl          Redis URI: the soak uses a key prefix of its own, deleted afterwards
 */
public record SoakOptions(Duration duration, double ordersPerSecond, int rowsPerFile, double refundsPerSecond,
        double readsPerSecond, Duration drainBound, Duration progressEvery, String mysqlUrl, String redisUrl) {

    public static final String MYSQL_URL_VARIABLE = "ORDERKPI_BENCH_MYSQL_URL";
    public static final String REDIS_URL_VARIABLE = "ORDERKPI_BENCH_REDIS_URL";
    static final String DEFAULT_MYSQL_URL = "jdbc:mysql://127.0.0.1:3306/?user=root";
    static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0";

    public static final String USAGE = "usage: java -jar kpi-bench.jar --soak [MINUTES] [--orders-per-second N]"
            + " [--rows-per-file N] [--refunds-per-second N] [--reads-per-second N] [--drain-minutes N]\n"
            + "  MINUTES defaults to 5; MySQL from " + MYSQL_URL_VARIABLE + " (default " + DEFAULT_MYSQL_URL
            + "), Redis from " + REDIS_URL_VARIABLE + " (default " + DEFAULT_REDIS_URL + ")";

    public SoakOptions {
        positive("MINUTES", duration.toMillis());
        positive("--orders-per-second", ordersPerSecond);
        positive("--rows-per-file", rowsPerFile);
        positive("--refunds-per-second", refundsPerSecond);
        positive("--reads-per-second", readsPerSecond);
        positive("--drain-minutes", drainBound.toMillis());
        positive("progress interval", progressEvery.toMillis());
        if (!mysqlUrl.startsWith("jdbc:mysql://")) {
            throw new IllegalArgumentException(MYSQL_URL_VARIABLE + ": must start with jdbc:mysql://, not '"
                    + mysqlUrl + "'");
        }
        if (!redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
            throw new IllegalArgumentException(REDIS_URL_VARIABLE + ": must start with redis:// or rediss://, not '"
                    + redisUrl + "'");
        }
    }

    /**
     * The arguments after {@code --soak}: an optional number of minutes first, then the rate
     * options. The servers come from the environment.
     */
    public static SoakOptions parse(String... args) {
        double minutes = 5;
        double orders = 8;
        int rows = 80;
        double refunds = 2;
        double reads = 20;
        double drainMinutes = 5;
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("--")) {
            minutes = number("MINUTES", args[0]);
            i = 1;
        }
        for (; i < args.length; i++) {
            String option = args[i];
            String value = i + 1 < args.length ? args[++i] : null;
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            switch (option) {
                case "--orders-per-second" -> orders = number(option, value);
                case "--rows-per-file" -> rows = (int) whole(option, value);
                case "--refunds-per-second" -> refunds = number(option, value);
                case "--reads-per-second" -> reads = number(option, value);
                case "--drain-minutes" -> drainMinutes = number(option, value);
                default -> throw new IllegalArgumentException("unknown soak argument: " + option);
            }
        }
        if (minutes > 24 * 60) {
            throw new IllegalArgumentException("MINUTES: at most 1440 (a day), not " + args[0]);
        }
        return new SoakOptions(minutes(minutes), orders, rows, refunds, reads, minutes(drainMinutes),
                Duration.ofMinutes(1), env(MYSQL_URL_VARIABLE, DEFAULT_MYSQL_URL), env(REDIS_URL_VARIABLE,
                        DEFAULT_REDIS_URL));
    }

    /** The same soak with other servers (the test's MySQL and Redis) and progress interval. */
    public SoakOptions on(String mysql, String redis, Duration progress) {
        return new SoakOptions(duration, ordersPerSecond, rowsPerFile, refundsPerSecond, readsPerSecond, drainBound,
                progress, mysql, redis);
    }

    /** Seconds between two imported files. */
    double secondsPerFile() {
        return rowsPerFile / ordersPerSecond;
    }

    String describe() {
        return String.format(Locale.ROOT, "%s, %.1f orders/s (%d per file), %.1f refunds/s, %.1f reads/s",
                Durations.text(duration), ordersPerSecond, rowsPerFile, refundsPerSecond, readsPerSecond);
    }

    private static Duration minutes(double minutes) {
        return Duration.ofMillis(Math.round(minutes * 60_000));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static double number(String option, String value) {
        try {
            double parsed = Double.parseDouble(value);
            if (!Double.isFinite(parsed)) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": not a number '" + value + "'", e);
        }
    }

    private static long whole(String option, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": not a whole number '" + value + "'", e);
        }
    }

    private static void positive(String option, double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException(option + ": must be greater than 0");
        }
    }
}
