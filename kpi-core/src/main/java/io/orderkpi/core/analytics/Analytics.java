package io.orderkpi.core.analytics;

import io.orderkpi.core.event.EventSubscriber;
import io.orderkpi.core.event.OutboxEvent;
import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.DayRebuild;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.kpi.LeaderboardEntry;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.refund.Refund;
import io.orderkpi.core.spi.KpiStore;
import io.orderkpi.core.spi.OutboxPosition;
import io.orderkpi.core.spi.RecordStore;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily KPIs and leaderboards (SPEC §5): turns events into idempotent {@link KpiFact}s for the
 * {@link KpiStore}, answers reports, and rebuilds or checks the store against the records.
 *
 * <p>As an {@link EventSubscriber} (named {@value #SUBSCRIBER}) it counts {@code OrderCompleted}
 * and {@code OrderFailed} on the order's placed day and {@code RefundProcessed} on the refund's
 * processed day, in the configured zone, each under its idempotency key: an event delivered
 * twice, or concurrently, has one effect.
 *
 * <p>The KPI store is a cache of the records: {@link #backfill} rebuilds days from them and
 * {@link #verify} lists every difference. A backfill holds out live events while it reads and
 * replaces days, so no fact falls between the two (events that arrive meanwhile are applied after
 * it, as duplicates where the rebuild already holds them); and it replays the events recorded
 * after the {@linkplain io.orderkpi.core.spi.Outbox#position() outbox position} it read before
 * the records, for a relay in another process that delivered to the old days meanwhile. Events
 * reach the store in batches ({@link #handleAll}: one {@link KpiStore#applyAll} per batch).
 *
 * <p>Thread-safe.
 */
public final class Analytics implements EventSubscriber {

    public static final String SUBSCRIBER = "analytics";
    /** Longest range a report or rebuild accepts, both ends counted (SPEC §9). */
    public static final int MAX_RANGE_DAYS = 366;

    /** Refunded orders whose refunds one query looks up during a recomputation. */
    private static final int REFUND_LOOKUP_PAGE = 500;

    private static final Logger LOG = LoggerFactory.getLogger(Analytics.class);
    private static final int REPLAY_PAGE = 1_000;

    private final RecordStore records;
    private final KpiStore kpis;
    private final ZoneId zone;
    private final ReentrantReadWriteLock rebuildLock = new ReentrantReadWriteLock();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    /**
     * @param zone the zone whose days the KPIs count in
     */
    public Analytics(RecordStore records, KpiStore kpis, ZoneId zone) {
        this.records = Objects.requireNonNull(records, "records");
        this.kpis = Objects.requireNonNull(kpis, "kpis");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    @Override
    public String name() {
        return SUBSCRIBER;
    }

    /**
     * Stores the zone with fresh KPI data, or checks it against the stored one.
     *
     * @throws KpiZoneMismatchException when the data was computed in another zone
     */
    public void checkZone() {
        Optional<ZoneId> stored = kpis.zone();
        if (stored.isEmpty()) {
            kpis.setZone(zone);
        } else if (!stored.get().equals(zone)) {
            throw new KpiZoneMismatchException(stored.get().getId(), zone.getId());
        }
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public void handle(OutboxEvent event) {
        handleAll(List.of(event));
    }

    /**
     * Applies the facts of a batch of events with one {@link KpiStore#applyAll} call (one round
     * trip per day on a remote store). A {@link io.orderkpi.core.lang.StoreUnavailableException} from
     * the store passes through, so the relay waits for the store rather than dead-lettering.
     */
    @Override
    public void handleAll(List<OutboxEvent> events) {
        List<KpiFact> facts = new ArrayList<>(events.size());
        for (OutboxEvent event : events) {
            KpiFacts.of(event, zone).ifPresent(facts::add);
        }
        if (facts.isEmpty()) {
            return;
        }
        rebuildLock.readLock().lock();
        try {
            count(facts.size(), kpis.applyAll(facts));
        } finally {
            rebuildLock.readLock().unlock();
        }
    }

    private void count(int facts, int appliedNow) {
        applied.addAndGet(appliedNow);
        duplicates.addAndGet(facts - appliedNow);
        if (appliedNow < facts) {
            LOG.debug("{} KPI fact(s) were applied before; ignored", facts - appliedNow);
        }
    }

    /** Facts applied since start (for metrics). */
    public long appliedFacts() {
        return applied.get();
    }

    /** Facts ignored as duplicates since start (for metrics). */
    public long duplicateFacts() {
        return duplicates.get();
    }

    public DailyReport daily(LocalDate day, int leaderboardLimit) {
        return new DailyReport(kpis.totals(day), kpis.leaderboard(day, leaderboardLimit));
    }

    public List<LeaderboardEntry> leaderboard(LocalDate day, int limit) {
        return kpis.leaderboard(day, limit);
    }

    public Optional<LeaderboardEntry> rank(LocalDate day, String customerId) {
        return kpis.rank(day, customerId);
    }

    /**
     * KPIs over {@code [from, to]}, every day present.
     *
     * @throws IllegalArgumentException when from is after to or the range is over {@value #MAX_RANGE_DAYS} days
     */
    public RangeReport range(LocalDate from, LocalDate to) {
        checkRange(from, to);
        List<DailyTotals> daily = kpis.totals(from, to);
        long gross = 0;
        long refundCents = 0;
        long successful = 0;
        long failed = 0;
        boolean anyCustomer = false;
        for (DailyTotals totals : daily) {
            gross += totals.grossRevenueCents();
            refundCents += totals.refundCents();
            successful += totals.successfulOrders();
            failed += totals.failedOrders();
            anyCustomer |= totals.uniqueCustomers() > 0;
        }
        long customers = anyCustomer ? kpis.distinctCustomers(from, to) : 0;
        return new RangeReport(from, to, gross, refundCents, successful, failed, customers, daily);
    }

    /**
     * Rebuilds days of {@code [from, to]} from the records: only days without KPI data, or with
     * {@code force} every day, replacing (never adding to) what was there. With {@code force} the
     * configured zone becomes the data's zone. Returns the number of days rebuilt.
     */
    /**
     * Rebuilds {@code [from, to]} from the records when the KPI store reports that it lost its data
     * ({@link KpiStore#dataLoss()}): the zone again, every day of the range replaced, and the
     * events recorded since the rebuild began replayed onto it, so no fact is lost or doubled.
     * Repeats when the data was lost again during the rebuild.
     *
     * @return whether a loss was found (and rebuilt)
     */
    public boolean recoverLostData(LocalDate from, LocalDate to) {
        Optional<String> loss = kpis.dataLoss();
        if (loss.isEmpty()) {
            return false;
        }
        for (int attempt = 1; loss.isPresent(); attempt++) {
            LOG.warn("The KPI store lost its data ({}); rebuilding {}..{} from the records (attempt {})", loss.get(),
                    from, to, attempt);
            kpis.setZone(zone);
            backfill(from, to, true);
            if (kpis.rebuiltAfter(loss.get())) {
                LOG.info("KPI store rebuilt after its data loss");
                return true;
            }
            loss = kpis.dataLoss();
        }
        return true;
    }

    public int backfill(LocalDate from, LocalDate to, boolean force) {
        checkRange(from, to);
        rebuildLock.writeLock().lock();
        try {
            // Read before the records: events committed while they are read come after it.
            OutboxPosition position = records.outbox().position();
            Map<LocalDate, List<KpiFact>> facts = recompute(from, to);
            Set<LocalDate> rebuiltDays = new HashSet<>();
            for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
                if (force || !kpis.hasData(day)) {
                    List<KpiFact> dayFacts = facts.getOrDefault(day, List.of());
                    if (!dayFacts.isEmpty() || kpis.hasData(day)) {
                        kpis.replaceDay(DayRebuild.of(day, dayFacts));
                        rebuiltDays.add(day);
                    }
                }
            }
            int rebuilt = rebuiltDays.size();
            replayAfter(position, rebuiltDays);
            if (force) {
                kpis.setZone(zone);
            }
            LOG.info("Backfill {}..{}{}: {} day(s) rebuilt", from, to, force ? " (forced)" : "", rebuilt);
            return rebuilt;
        } finally {
            rebuildLock.writeLock().unlock();
        }
    }

    /**
     * Applies to the rebuilt days the facts of every event recorded after {@code position}: a
     * process delivering live events while this one rebuilt may have applied them to the days
     * just replaced. Facts the rebuild already holds are duplicates and count once.
     */
    private void replayAfter(OutboxPosition position, Set<LocalDate> rebuiltDays) {
        OutboxPosition next = position;
        List<OutboxEvent> page;
        do {
            page = records.outbox().recordedAfter(next, REPLAY_PAGE);
            List<KpiFact> facts = new ArrayList<>();
            for (OutboxEvent event : page) {
                KpiFacts.of(event, zone).filter(fact -> rebuiltDays.contains(fact.day())).ifPresent(facts::add);
            }
            if (!facts.isEmpty()) {
                kpis.applyAll(facts);
            }
            if (!page.isEmpty()) {
                next = new OutboxPosition(page.get(page.size() - 1).sequence());
            }
        } while (page.size() == REPLAY_PAGE);
    }

    /** Every difference between the KPI store and a recomputation from the records, by day and field. */
    public List<KpiDifference> verify(LocalDate from, LocalDate to) {
        checkRange(from, to);
        rebuildLock.writeLock().lock();
        try {
            Map<LocalDate, List<KpiFact>> facts = recompute(from, to);
            List<KpiDifference> differences = new ArrayList<>();
            for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
                DayRebuild expected = DayRebuild.of(day, facts.getOrDefault(day, List.of()));
                compare(day, kpis.totals(day), expected.totals(), differences);
                compareLeaderboard(day, expected, differences);
            }
            return differences;
        } finally {
            rebuildLock.writeLock().unlock();
        }
    }

    private void compare(LocalDate day, DailyTotals stored, DailyTotals expected, List<KpiDifference> out) {
        field(day, "gross_revenue", stored.grossRevenue(), expected.grossRevenue(), out);
        field(day, "total_revenue", stored.totalRevenue(), expected.totalRevenue(), out);
        field(day, "refund_amount", stored.refundAmount(), expected.refundAmount(), out);
        field(day, "successful_orders", stored.successfulOrders(), expected.successfulOrders(), out);
        field(day, "failed_orders", stored.failedOrders(), expected.failedOrders(), out);
        field(day, "unique_customers", stored.uniqueCustomers(), expected.uniqueCustomers(), out);
    }

    private void compareLeaderboard(LocalDate day, DayRebuild expected, List<KpiDifference> out) {
        Map<String, Long> stored = new TreeMap<>();
        kpis.leaderboard(day, Integer.MAX_VALUE).forEach(entry -> stored.put(entry.customerId(), entry.netCents()));
        Map<String, Long> wanted = new TreeMap<>();
        expected.netCentsByCustomer().forEach((customer, net) -> {
            if (net > 0) {
                wanted.put(customer, net);
            }
        });
        Set<String> customers = new HashSet<>(stored.keySet());
        customers.addAll(wanted.keySet());
        customers.stream().sorted().forEach(customer -> field(day, "leaderboard[" + customer + "]",
                cents(stored.get(customer)), cents(wanted.get(customer)), out));
    }

    private static String cents(Long value) {
        return value == null ? "not ranked" : Money.ofCents(value).toString();
    }

    private static void field(LocalDate day, String name, Object stored, Object expected, List<KpiDifference> out) {
        if (!stored.equals(expected)) {
            out.add(new KpiDifference(day, name, stored.toString(), expected.toString()));
        }
    }

    /**
     * The facts the records imply for each day of the range. Only an order that ended
     * {@code refunded} depends on its refunds; those are set aside during the scan (whose callback
     * must not call the store) and their refunds read afterwards, a page of orders per query.
     */
    private Map<LocalDate, List<KpiFact>> recompute(LocalDate from, LocalDate to) {
        Instant start = from.atStartOfDay(zone).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(zone).toInstant();
        Map<LocalDate, List<KpiFact>> byDay = new HashMap<>();
        Consumer<KpiFact> collect = fact -> byDay.computeIfAbsent(fact.day(), day -> new ArrayList<>()).add(fact);
        List<Order> refunded = new ArrayList<>();
        records.orders().forEachPlacedBetween(start, end, order -> {
            if (order.status() == OrderStatus.REFUNDED) {
                refunded.add(order.withoutItems());
            } else {
                KpiFacts.of(order, zone, false).forEach(collect);
            }
        });
        for (int first = 0; first < refunded.size(); first += REFUND_LOOKUP_PAGE) {
            List<Order> page = refunded.subList(first, Math.min(first + REFUND_LOOKUP_PAGE, refunded.size()));
            Set<Long> withRefunds = records.refunds().withCompletedRefunds(page.stream().map(Order::id).toList());
            page.forEach(order -> KpiFacts.of(order, zone, withRefunds.contains(order.id())).forEach(collect));
        }
        for (Refund refund : records.refunds().processedBetween(start, end)) {
            collect.accept(KpiFacts.of(refund, zone));
        }
        return byDay;
    }

    private static void checkRange(LocalDate from, LocalDate to) {
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("start_date " + from + " is after end_date " + to);
        }
        if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_RANGE_DAYS) {
            throw new IllegalArgumentException("A range may span at most " + MAX_RANGE_DAYS + " days");
        }
    }

}
