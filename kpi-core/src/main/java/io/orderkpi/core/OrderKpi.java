package io.orderkpi.core;

import io.orderkpi.core.analytics.Analytics;
import io.orderkpi.core.event.EventSubscriber;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.relay.OutboxRelay;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.importer.ImportSubmission;
import io.orderkpi.core.importer.OrderImporter;
import io.orderkpi.core.memory.MemoryJobStore;
import io.orderkpi.core.memory.MemoryKpiStore;
import io.orderkpi.core.memory.MemoryLease;
import io.orderkpi.core.memory.MemoryRecordStore;
import io.orderkpi.core.metrics.OrderKpiMetrics;
import io.orderkpi.core.notifier.LogNotifier;
import io.orderkpi.core.notifier.NotificationService;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.queue.QueueNames;
import io.orderkpi.core.queue.RetryPolicy;
import io.orderkpi.core.workflow.RefundService;
import io.orderkpi.core.spi.JobStore;
import io.orderkpi.core.spi.KpiStore;
import io.orderkpi.core.spi.Lease;
import io.orderkpi.core.spi.Notifier;
import io.orderkpi.core.spi.PaymentGateway;
import io.orderkpi.core.spi.RecordStore;
import io.orderkpi.core.spi.StockService;
import io.orderkpi.core.worker.WorkerEngine;
import io.orderkpi.core.workflow.OrderWorkflow;
import io.orderkpi.core.workflow.SimulatedPaymentGateway;
import io.orderkpi.core.workflow.SimulatedStockService;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OrderKPI, wired: records, KPIs, the job store and its workers, importer, workflow, analytics,
 * refunds, notifications and the outbox relay that connects them. Built by {@link #builder()} with
 * in-memory defaults for every part; a built instance runs its workers and relay, and has swept
 * unfinished work (orders in an intermediate status, imports, refunds, notifications) back into
 * the queues.
 *
 * <pre>{@code
 * try (OrderKpi kpi = OrderKpi.builder().build()) {
 *     ImportRun run = kpi.importFile(Path.of("orders.csv"), ImportOptions.named("orders.csv"), true);
 *     ...
 *     kpi.analytics().daily(LocalDate.now(), 10);
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the workers (running jobs finish within the grace period,
 * the rest stay queued) and closes the stores this instance created; stores passed in stay open.
 */
public final class OrderKpi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OrderKpi.class);
    private static final long IDLE_POLL_MILLIS = 20;

    private final Clock clock;
    private final ZoneId zone;
    private final RecordStore records;
    private final KpiStore kpis;
    private final JobStore jobs;
    private final WorkerEngine workers;
    private final OrderImporter importer;
    private final OrderWorkflow workflow;
    private final Analytics analytics;
    private final RefundService refunds;
    private final NotificationService notifications;
    private final OutboxRelay relay;
    private final Duration shutdownGrace;
    private final Duration historyRetention;
    /** Polls the KPI store for a data loss (a Redis restarted without persistence) and rebuilds. */
    private final ScheduledExecutorService kpiWatch;
    private final Duration retention;
    /** Runs the history retention; null when it keeps everything. */
    private final ScheduledExecutorService purger;
    private final List<AutoCloseable> owned;
    private volatile boolean closed;

    private OrderKpi(Builder b) {
        this.clock = b.clock;
        this.zone = b.zone;
        this.shutdownGrace = b.shutdownGrace;
        // Everything started so far, stopped in reverse order when a later start step fails, so
        // a failed build() leaves no thread behind (a server started while its database is down
        // must exit, not hang on non-daemon workers).
        Deque<AutoCloseable> started = new ArrayDeque<>();
        List<AutoCloseable> created = new ArrayList<>();
        try {
            this.records = b.records != null ? b.records : own(created, new MemoryRecordStore(clock));
            this.kpis = b.kpis != null ? b.kpis
                    : own(created, MemoryKpiStore.builder().clock(clock).retention(b.retention).build());
            // The default job store keeps real time, as the engine does: retry delays and leases must
            // elapse even under a fixed clock.
            this.jobs = b.jobs != null ? b.jobs : own(created, new MemoryJobStore());
            this.owned = created;
            created.forEach(started::push);
            this.workers = WorkerEngine.builder(jobs)
                    .retryPolicy(new RetryPolicy(b.jobAttempts, Duration.ofSeconds(1), Duration.ofMinutes(1)))
                    .lease(b.jobLease).shutdownGrace(b.shutdownGrace).consumerId(b.nodeId).clock(b.jobClock).build();
            StockService stock = b.stock != null ? b.stock : SimulatedStockService.builder().seed(b.seed)
                    .failureProbability(b.stockFailureRate).build();
            PaymentGateway payments = b.payments != null ? b.payments : SimulatedPaymentGateway.builder().seed(b.seed)
                    .chargeFailureProbability(b.paymentFailureRate).refundFailureProbability(b.refundFailureRate)
                    .build();

            this.importer = OrderImporter.builder(records, workers).clock(clock).zone(zone).currency(b.currency)
                    .spoolDirectory(b.spoolDirectory).owner(b.nodeId).chunkAttempts(b.jobAttempts)
                    .heartbeat(b.importHeartbeat, b.importOwnerTimeout).processing(this::queueForProcessing).build();
            started.push(importer);
            this.workflow = new OrderWorkflow(records, stock, payments, clock);
            this.analytics = new Analytics(records, kpis, zone);
            this.refunds = new RefundService(records, payments, clock);
            List<Notifier> notifiers = b.notifiers.isEmpty() ? List.of(new LogNotifier()) : b.notifiers;
            this.notifications = new NotificationService(records, workers, notifiers, clock);
            List<EventSubscriber> subscribers = new ArrayList<>(List.of(analytics, notifications));
            subscribers.addAll(b.subscribers);
            this.relay = OutboxRelay.builder(records.outbox(), b.lease != null ? b.lease : new MemoryLease())
                    .subscribers(subscribers).holder(b.nodeId).clock(clock).retry(b.relayRetry)
                    .leaseDuration(b.jobLease).build();

            workflow.register(workers);
            refunds.register(workers);
            notifications.register();
            startStep("checking the KPI store", analytics::checkZone);
            if (b.meterRegistry != null) {
                OrderKpiMetrics.bind(b.meterRegistry, jobs, relay, analytics, importer);
            }
            startStep("starting the workers", () -> workers.start(b.workers));
            started.push(() -> workers.shutdown(Duration.ZERO));
            startStep("starting the outbox relay", relay::start);
            started.push(relay);
            this.historyRetention = b.historyRetention;
            this.purger = historyRetention.isZero() ? null : startPurger();
            if (purger != null) {
                started.push(purger::shutdownNow);
            }
            this.retention = b.retention;
            startStep("checking the KPI store for lost data", this::recoverLostKpisLogged);
            this.kpiWatch = startKpiWatch(b.kpiWatchInterval);
            started.push(kpiWatch::shutdownNow);
            SweepReport sweep = startStep("sweeping unfinished work from the record store", this::sweep);
            LOG.info("OrderKPI started (node {}, zone {}, currency {}); sweep queued {} order(s), {} import(s), "
                    + "{} refund(s), {} notification(s)", b.nodeId, zone, b.currency, sweep.orders(), sweep.imports(),
                    sweep.refunds(), sweep.notifications());
        } catch (RuntimeException | Error e) {
            stopAll(started, e);
            throw e;
        }
    }

    /** Runs one start step; a failure says which step, keeping the original as its cause. */
    private static <T> T startStep(String what, Supplier<T> step) {
        try {
            return step.get();
        } catch (StoreUnavailableException e) {
            throw new StoreUnavailableException("OrderKPI could not start (" + what + "): " + e.getMessage(), e);
        }
    }

    private static void startStep(String what, Runnable step) {
        startStep(what, () -> {
            step.run();
            return null;
        });
    }

    private static void stopAll(Deque<AutoCloseable> started, Throwable failure) {
        while (!started.isEmpty()) {
            AutoCloseable resource = started.pop();
            try {
                resource.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static <T extends AutoCloseable> T own(List<AutoCloseable> owned, T resource) {
        owned.add(resource);
        return resource;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One daemon thread, so a forgotten {@link #close()} never keeps the JVM alive. The first run
     * waits a minute so that start-up (sweep, resumed imports) is not slowed by it.
     */
    private ScheduledExecutorService startPurger() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "okpi-history-retention");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::purgeHistoryLogged, 1, 60, TimeUnit.MINUTES);
        return executor;
    }

    private ScheduledExecutorService startKpiWatch(Duration interval) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "okpi-kpi-watch");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(this::recoverLostKpisQuietly, millis, millis, TimeUnit.MILLISECONDS);
        return executor;
    }

    /**
     * Rebuilds the retained days (the KPI retention, at most the longest backfill range) when the
     * KPI store lost its data: at start, and every few seconds while running.
     */
    private void recoverLostKpisLogged() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
        long days = retention.isZero() ? Analytics.MAX_RANGE_DAYS
                : Math.max(1, Math.min(retention.toDays(), Analytics.MAX_RANGE_DAYS));
        analytics.recoverLostData(today.minusDays(days - 1), today);
    }

    /** A throwing run would cancel the schedule; an unreachable store is retried at the next run. */
    private void recoverLostKpisQuietly() {
        try {
            recoverLostKpisLogged();
        } catch (RuntimeException e) {
            LOG.debug("Checking the KPI store for lost data failed, trying again: {}", e.toString());
        }
    }

    /** A throwing run would cancel the schedule: log it and try again at the next run. */
    private void purgeHistoryLogged() {
        try {
            PurgeReport report = purgeHistory();
            LOG.info("History retention removed {} outbox event(s), {} notification(s), {} import(s), {} failed job(s)",
                    report.events(), report.notifications(), report.imports(), report.failedJobs());
        } catch (RuntimeException e) {
            LOG.warn("History retention failed, retrying at the next run: {}", e.toString());
        }
    }

    /**
     * Applies the history retention now (it also runs once an hour): removes what was finished
     * before the retention period, measured on this instance's clock: outbox events delivered to
     * every subscriber registered in the record store, this instance's and those of every other
     * process sharing it (never dead-lettered, held or pending ones), sent or failed notifications,
     * completed or failed imports, and failed jobs. Does nothing when the retention is zero (keep
     * forever).
     */
    public PurgeReport purgeHistory() {
        if (historyRetention.isZero()) {
            return PurgeReport.NONE;
        }
        Instant cutoff = clock.instant().minus(historyRetention);
        int events = records.outbox().purgeDelivered(cutoff);
        int purgedNotifications = records.notifications().purgeFinished(cutoff);
        int imports = records.imports().purgeFinished(cutoff);
        int failedJobs = jobs.purgeFailed(cutoff);
        return new PurgeReport(events, purgedNotifications, imports, failedJobs);
    }

    /**
     * Queues unfinished work again: orders in an intermediate status, unfinished imports,
     * pending or processing refunds, pending notifications. Runs at start; safe to run again
     * (every handler is idempotent and processing jobs are deduplicated per order).
     */
    public SweepReport sweep() {
        int orders = workflow.resumeInProgress(workers);
        int imports = importer.resumeUnfinished().size();
        int refundJobs = refunds.enqueueUnfinished();
        int notificationJobs = notifications.resumePending();
        return new SweepReport(orders, imports, refundJobs, notificationJobs);
    }

    /**
     * Waits until no job is pending or running and every subscriber has had every event: what an
     * example, a test or a demo waits for after submitting work.
     *
     * @return false when that was not reached within {@code timeout}
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isIdle()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            relay.wakeUp();
            Thread.sleep(IDLE_POLL_MILLIS);
        }
        return true;
    }

    private boolean isIdle() {
        boolean queuesIdle = jobs.stats().values().stream().allMatch(s -> s.pending() == 0 && s.running() == 0);
        return queuesIdle && relay.subscriberNames().stream()
                .allMatch(name -> records.outbox().pending(name, 1).isEmpty())
                // A subscriber may have queued work (notifications) while being delivered to.
                && jobs.stats().values().stream().allMatch(s -> s.pending() == 0 && s.running() == 0);
    }

    /** Stores one new order (validated by the caller, as a CSV row is); it waits for {@link #process}. */
    public Order createOrder(NewOrder order) {
        return records.orders().insert(order, List.of());
    }

    /** Queues an order for the workflow (deduplicated per order); returns the job id. */
    public UUID process(long orderId) {
        return workflow.enqueue(workers, orderId);
    }

    /**
     * Imports a file; with {@code process}, every imported order in a non-final status is queued
     * for the workflow as its chunk is stored.
     */
    public ImportSubmission importFile(Path file, ImportOptions options, boolean process) {
        return importer.submit(file, options.withProcess(process));
    }

    /** Imports an uploaded stream (spooled to disk while read); see {@link #importFile}. */
    public ImportSubmission importStream(InputStream csv, ImportOptions options, boolean process) {
        return importer.submit(csv, options.withProcess(process));
    }

    /** Imports an uploaded stream with the options as given ({@link ImportOptions#process()} included). */
    public ImportSubmission importStream(InputStream csv, ImportOptions options) {
        return importer.submit(csv, options);
    }

    /** Queues stored orders for the workflow (deduplicated per order): what an import with process does. */
    private void queueForProcessing(List<Order> stored) {
        stored.stream().filter(order -> !order.status().isFinal()).forEach(order -> workflow.enqueue(workers, order.id()));
    }

    public Clock clock() {
        return clock;
    }

    public ZoneId zone() {
        return zone;
    }

    public RecordStore records() {
        return records;
    }

    public KpiStore kpis() {
        return kpis;
    }

    /** The job store: queue counters, pause flags and the failed list, shared by every process using it. */
    public JobStore jobs() {
        return jobs;
    }

    /** This instance's worker engine over {@link #jobs()}: enqueue, and the workers' own lifecycle. */
    public WorkerEngine workers() {
        return workers;
    }

    public OrderImporter importer() {
        return importer;
    }

    public OrderWorkflow workflow() {
        return workflow;
    }

    public Analytics analytics() {
        return analytics;
    }

    public RefundService refunds() {
        return refunds;
    }

    public NotificationService notifications() {
        return notifications;
    }

    public OutboxRelay relay() {
        return relay;
    }

    /**
     * Stops taking work: the importer's parsers stop, the relay stops, the workers' running jobs
     * finish within the grace period (the rest stay queued); then the stores this instance created
     * are closed. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (purger != null) {
            // A run in progress is one store call per kind: let it finish rather than interrupt it.
            purger.shutdown();
        }
        kpiWatch.shutdownNow();
        importer.close();
        // The relay stops first: a subscriber that queues work (notifications) must not hit a
        // queue that is shutting down. Events of jobs that finish during the grace period stay
        // in the outbox and are delivered at the next start.
        relay.close();
        workers.shutdown(shutdownGrace);
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /**
     * Stops at once, as a killed process would: no drain, nothing released. Jobs this instance
     * holds stay claimed until their leases expire, its relay leases expire by themselves and its
     * imports keep their owner until the heartbeat is older than the owner timeout; then another
     * instance on the same stores takes each over. Stores are left open (another instance may
     * share them). For tests and emergencies; {@link #close()} is the orderly way. Idempotent.
     */
    public synchronized void halt() {
        if (closed) {
            return;
        }
        closed = true;
        if (purger != null) {
            purger.shutdownNow();
        }
        kpiWatch.shutdownNow();
        importer.halt();
        relay.halt();
        workers.halt();
    }

    /**
     * Configures an {@link OrderKpi}. Every part defaults to its in-memory or simulated
     * implementation; {@link #build()} starts the instance.
     */
    public static final class Builder {
        private RecordStore records;
        private KpiStore kpis;
        private Lease lease;
        private JobStore jobs;
        private Duration jobLease = Duration.ofSeconds(60);
        private Clock jobClock = Clock.systemUTC();
        private Duration kpiWatchInterval = Duration.ofSeconds(5);
        private Duration importHeartbeat = Duration.ofSeconds(5);
        private Duration importOwnerTimeout = Duration.ofSeconds(30);
        private StockService stock;
        private PaymentGateway payments;
        private Clock clock = Clock.systemUTC();
        private ZoneId zone = ZoneOffset.UTC;
        private String currency = "USD";
        private Duration retention = Duration.ofDays(30);
        private Duration historyRetention = Duration.ofDays(90);
        private final List<Notifier> notifiers = new ArrayList<>();
        private final List<EventSubscriber> subscribers = new ArrayList<>();
        private Map<String, Integer> workers = defaultWorkers(8);
        private int jobAttempts = 3;
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private RetryPolicy relayRetry = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10));
        private Path spoolDirectory = Path.of(System.getProperty("java.io.tmpdir"), "orderkpi-imports");
        private long seed = new SplittableRandom().nextLong();
        private double stockFailureRate = SimulatedStockService.DEFAULT_FAILURE_PROBABILITY;
        private double paymentFailureRate = SimulatedPaymentGateway.DEFAULT_CHARGE_FAILURE_PROBABILITY;
        private double refundFailureRate = SimulatedPaymentGateway.DEFAULT_REFUND_FAILURE_PROBABILITY;
        private Object meterRegistry;
        private String nodeId = defaultNodeId();

        private Builder() {
        }

        /**
         * This process's name among the nodes sharing the stores (default: host, process id and a
         * random suffix): the owner of the imports it reads and the holder of its relay's delivery
         * leases (at most 128 characters). Every live node needs its own.
         */
        public Builder nodeId(String value) {
            Objects.requireNonNull(value, "nodeId");
            if (value.isBlank()) {
                throw new IllegalArgumentException("nodeId must not be blank");
            }
            this.nodeId = value;
            return this;
        }

        private static String defaultNodeId() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
            return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        }

        /** The system of record (default: in memory). */
        public Builder records(RecordStore value) {
            this.records = Objects.requireNonNull(value, "records");
            return this;
        }

        /** The KPI store (default: in memory with the retention of {@link #retention}). */
        public Builder kpis(KpiStore value) {
            this.kpis = Objects.requireNonNull(value, "kpis");
            return this;
        }

        /**
         * The job store (default: in memory). A store passed in may be shared with other
         * processes; this instance runs its own worker engine over it, and leaves it open.
         */
        public Builder jobs(JobStore value) {
            this.jobs = Objects.requireNonNull(value, "jobs");
            return this;
        }

        /**
         * How long a claimed job stays with this instance without a lease extension
         * (ORDERKPI_CLAIM_IDLE_SECONDS; default 60 s): after a crash, another process sharing the
         * job store takes its jobs over this long after the last extension. The relay's delivery
         * leases last as long, so a crashed process's subscribers are taken over in the same time.
         */
        public Builder jobLease(Duration value) {
            Objects.requireNonNull(value, "jobLease");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("jobLease must be positive: " + value);
            }
            this.jobLease = value;
            return this;
        }

        /**
         * The leases through which processes sharing the record store agree who delivers to each
         * subscriber (default: in memory, on the system clock, so instances of one JVM may share it).
         */
        public Builder lease(Lease value) {
            this.lease = Objects.requireNonNull(value, "lease");
            return this;
        }

        /** The stock service (default: simulated, see {@link #simulation}). */
        public Builder stock(StockService value) {
            this.stock = Objects.requireNonNull(value, "stock");
            return this;
        }

        /** The payment gateway (default: simulated, see {@link #simulation}). */
        public Builder payments(PaymentGateway value) {
            this.payments = Objects.requireNonNull(value, "payments");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The zone whose days the KPIs count in, and of {@code placed_at} without offset (default UTC). */
        public Builder zone(ZoneId value) {
            this.zone = Objects.requireNonNull(value, "zone");
            return this;
        }

        /** The reporting currency, ISO 4217 (default USD). */
        public Builder currency(String value) {
            this.currency = Objects.requireNonNull(value, "currency");
            return this;
        }

        /** How long a day's KPIs are kept after its last update (default 30 days; zero = forever). */
        public Builder retention(Duration value) {
            this.retention = Objects.requireNonNull(value, "retention");
            return this;
        }

        /**
         * How long delivered outbox events, sent or failed notifications, finished imports and
         * failed jobs are kept (default 90 days; zero = forever). See {@link OrderKpi#purgeHistory()}.
         */
        public Builder historyRetention(Duration value) {
            Objects.requireNonNull(value, "historyRetention");
            if (value.isNegative()) {
                throw new IllegalArgumentException("historyRetention must not be negative: " + value);
            }
            this.historyRetention = value;
            return this;
        }

        /** Adds a notification channel; without any, the log channel is used. */
        public Builder notifier(Notifier value) {
            this.notifiers.add(Objects.requireNonNull(value, "notifier"));
            return this;
        }

        /** Adds an event subscriber of the application's own, delivered like analytics. */
        public Builder subscriber(EventSubscriber value) {
            this.subscribers.add(Objects.requireNonNull(value, "subscriber"));
            return this;
        }

        /**
         * Total worker threads, spread over the four queues with at least one each (default 8:
         * import 1, processing 4, notifications 2, refunds 1).
         */
        public Builder workers(int total) {
            this.workers = defaultWorkers(total);
            return this;
        }

        /** Attempts of a throwing job before it goes to the failed list (default 3). */
        public Builder jobAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("jobAttempts must be >= 1: " + value);
            }
            this.jobAttempts = value;
            return this;
        }

        /** How long {@link OrderKpi#close()} lets running jobs finish (default 30 s). */
        public Builder shutdownGrace(Duration value) {
            this.shutdownGrace = Objects.requireNonNull(value, "shutdownGrace");
            return this;
        }

        /**
         * Retries of a subscriber that throws before its event is dead-lettered. A subscriber whose
         * store is unavailable is not retried by this policy: its delivery waits for the store.
         */
        public Builder relayRetry(RetryPolicy value) {
            this.relayRetry = Objects.requireNonNull(value, "relayRetry");
            return this;
        }

        /**
         * How often the KPI store is asked whether it lost its data (default 5 s); a loss rebuilds
         * the retained days from the records.
         */
        public Builder kpiWatchInterval(Duration value) {
            Objects.requireNonNull(value, "kpiWatchInterval");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("kpiWatchInterval must be positive: " + value);
            }
            this.kpiWatchInterval = value;
            return this;
        }

        /**
         * The clock the workers time job leases by (default the system clock): a shared job store's
         * own clock (the Redis server's time), so every process extends leases on the same time.
         */
        public Builder jobClock(Clock value) {
            this.jobClock = Objects.requireNonNull(value, "jobClock");
            return this;
        }

        /**
         * How often this node says it is alive as the owner of the imports it reads (default 5 s),
         * and after how long without a sign another node takes such an import over (default 30 s;
         * at least twice the interval).
         */
        public Builder importHeartbeat(Duration interval, Duration ownerTimeout) {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(ownerTimeout, "ownerTimeout");
            if (interval.isNegative() || interval.isZero() || ownerTimeout.compareTo(interval.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("importHeartbeat needs a positive interval and an owner timeout of "
                        + "at least twice it: " + interval + ", " + ownerTimeout);
            }
            this.importHeartbeat = interval;
            this.importOwnerTimeout = ownerTimeout;
            return this;
        }

        /** Where uploaded imports are spooled (default: {@code orderkpi-imports} in the temp dir). */
        public Builder spoolDirectory(Path value) {
            this.spoolDirectory = Objects.requireNonNull(value, "spoolDirectory");
            return this;
        }

        /** Seed and failure rates of the simulated stock service and payment gateway. */
        public Builder simulation(long seedValue, double stockFailure, double paymentFailure, double refundFailure) {
            this.seed = seedValue;
            this.stockFailureRate = stockFailure;
            this.paymentFailureRate = paymentFailure;
            this.refundFailureRate = refundFailure;
            return this;
        }

        /**
         * A Micrometer {@code MeterRegistry} to publish meters to. Typed {@code Object} so that
         * Micrometer stays optional: without it on the classpath, pass nothing and get no metrics.
         */
        public Builder meterRegistry(Object registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Builds and starts the instance.
         *
         * @throws io.orderkpi.core.analytics.KpiZoneMismatchException when the KPI store was
         *         computed in another zone
         */
        public OrderKpi build() {
            return new OrderKpi(this);
        }

        private static Map<String, Integer> defaultWorkers(int total) {
            if (total < QueueNames.ALL.size()) {
                throw new IllegalArgumentException("workers must be at least " + QueueNames.ALL.size()
                        + " (one per queue): " + total);
            }
            // One thread per queue, then three quarters of the rest to processing, where work waits;
            // what is left goes to notifications first, then imports. Refunds keep one.
            int extra = total - QueueNames.ALL.size();
            int extraProcessing = (extra * 3 + 3) / 4;
            int rest = extra - extraProcessing;
            int processing = 1 + extraProcessing;
            int notifications = 1 + (rest + 1) / 2;
            int imports = 1 + rest / 2;
            int refunds = 1;
            Map<String, Integer> map = new LinkedHashMap<>();
            map.put(QueueNames.ORDERS_IMPORT, imports);
            map.put(QueueNames.ORDER_PROCESSING, processing);
            map.put(QueueNames.NOTIFICATIONS, notifications);
            map.put(QueueNames.REFUNDS, refunds);
            return map;
        }
    }
}
