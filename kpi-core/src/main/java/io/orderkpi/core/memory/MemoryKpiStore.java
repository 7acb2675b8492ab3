package io.orderkpi.core.memory;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.DayRebuild;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.kpi.LeaderboardEntry;
import io.orderkpi.core.spi.KpiStore;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link KpiStore} in this JVM's heap: the default when no Redis is configured, and the
 * reference the contract kit is written against. Thread-safe.
 *
 * <p><b>Locking.</b> One lock per day: a fact touches one day only, so facts of different days
 * never wait for each other, and a day's counters, customers, leaderboard and applied keys
 * change together under its lock, which makes each fact atomic and every read a whole-day
 * snapshot. The critical section is short and allocation-free (see {@link AppliedKeys}); striping
 * a day over several locks was measured slower on two cores, the extra lock and hashing costing
 * more than the parallelism won. {@link #applyAll} takes a day's lock once per run of
 * consecutive facts of that day. A {@link #replaceDay} builds the new day before taking any
 * lock and swaps it in; a writer still holding the old day notices it was retired and retries on
 * the new one.
 *
 * <p><b>Retention</b> is checked lazily against the clock on every read and write of a day (a day
 * whose last update plus the retention is not after now is gone, keys included), and days
 * nobody touches are dropped by {@link #purgeExpired()}, which the store also runs whenever a new
 * day starts (about once a day), so the heap does not grow with the days.
 *
 * <p><b>Leaderboards</b> are selected on read (top N with a bounded heap, a rank by counting who
 * is ahead) rather than kept sorted, because writes are the hot path and a sorted structure
 * would cost a re-insertion per fact.
 */
public final class MemoryKpiStore implements KpiStore {

    private final Clock clock;
    /** Zero means forever. */
    private final long retentionMillis;
    private final ConcurrentHashMap<LocalDate, Day> days = new ConcurrentHashMap<>();
    private volatile @Nullable ZoneId zone;

    private MemoryKpiStore(Builder builder) {
        this.clock = builder.clock;
        // Rounded up so that a positive retention below a millisecond does not mean forever.
        this.retentionMillis = builder.retention.isZero() ? 0 : Math.max(1, builder.retention.toMillis());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean apply(KpiFact fact) {
        long now = clock.millis();
        Day day = lockForWrite(fact.day(), now);
        try {
            return day.apply(fact, now);
        } finally {
            day.lock.unlock();
        }
    }

    /** Takes a day's lock once per run of consecutive facts of that day. */
    @Override
    public int applyAll(List<KpiFact> facts) {
        int applied = 0;
        @Nullable Day locked = null;
        long now = 0;
        try {
            for (KpiFact fact : facts) {
                if (locked == null || !locked.date.equals(fact.day())) {
                    if (locked != null) {
                        locked.lock.unlock();
                        locked = null;
                    }
                    now = clock.millis();
                    locked = lockForWrite(fact.day(), now);
                }
                if (locked.apply(fact, now)) {
                    applied++;
                }
            }
        } finally {
            if (locked != null) {
                locked.lock.unlock();
            }
        }
        return applied;
    }

    @Override
    public DailyTotals totals(LocalDate date) {
        Day day = lockLive(date);
        if (day == null) {
            return DailyTotals.empty(date);
        }
        try {
            return day.totals();
        } finally {
            day.lock.unlock();
        }
    }

    @Override
    public boolean hasData(LocalDate date) {
        Day day = lockLive(date);
        if (day == null) {
            return false;
        }
        day.lock.unlock();
        return true;
    }

    @Override
    public Set<String> customers(LocalDate date) {
        Day day = lockLive(date);
        if (day == null) {
            return Set.of();
        }
        try {
            Set<String> customers = new HashSet<>(day.uniqueCustomers * 2);
            for (Spend spend : day.spendByCustomer.values()) {
                if (spend.completed) {
                    customers.add(spend.customerId);
                }
            }
            return Collections.unmodifiableSet(customers);
        } finally {
            day.lock.unlock();
        }
    }

    @Override
    public List<LeaderboardEntry> leaderboard(LocalDate date, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("Leaderboard limit must not be negative: " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        Day day = lockLive(date);
        if (day == null) {
            return List.of();
        }
        try {
            // A cached list answers a limit up to the one it was ranked with, or any limit once it
            // holds fewer entries than that (then it holds every ranked customer).
            if (day.top != null && (limit <= day.topOf || day.top.size() < day.topOf)) {
                // Nothing changed the day since it was ranked: a dashboard polling it costs no ranking.
                return day.top.size() <= limit ? day.top : day.top.subList(0, limit);
            }
            // The best `limit` so far with the weakest on top, so a better one evicts it: no full sort.
            PriorityQueue<Spend> best = new PriorityQueue<>(Math.min(limit, day.spendByCustomer.size()) + 1,
                    (a, b) -> b.compareTo(a.netCents, a.customerId));
            for (Spend spend : day.spendByCustomer.values()) {
                if (spend.netCents <= 0) {
                    continue;
                }
                if (best.size() < limit) {
                    best.add(spend);
                } else if (spend.compareTo(best.peek().netCents, best.peek().customerId) < 0) {
                    best.poll();
                    best.add(spend);
                }
            }
            LeaderboardEntry[] entries = new LeaderboardEntry[best.size()];
            for (int i = entries.length - 1; i >= 0; i--) {
                Spend spend = best.poll();
                entries[i] = new LeaderboardEntry(i + 1, spend.customerId, spend.netCents);
            }
            List<LeaderboardEntry> top = List.of(entries);
            if (day.top == null || limit > day.topOf) {
                day.top = top;
                day.topOf = limit;
            }
            return top;
        } finally {
            day.lock.unlock();
        }
    }

    @Override
    public Optional<LeaderboardEntry> rank(LocalDate date, String customerId) {
        Day day = lockLive(date);
        if (day == null) {
            return Optional.empty();
        }
        try {
            Spend customer = day.spendByCustomer.get(customerId);
            if (customer == null || customer.netCents <= 0) {
                return Optional.empty();
            }
            int ahead = 0;
            for (Spend spend : day.spendByCustomer.values()) {
                if (spend.netCents > 0 && spend.compareTo(customer.netCents, customer.customerId) < 0) {
                    ahead++;
                }
            }
            return Optional.of(new LeaderboardEntry(ahead + 1, customerId, customer.netCents));
        } finally {
            day.lock.unlock();
        }
    }

    @Override
    public void replaceDay(DayRebuild rebuild) {
        LocalDate date = rebuild.day();
        Day fresh = Day.of(rebuild, clock.millis());
        while (true) {
            Day current = days.get(date);
            if (current == null) {
                if (days.putIfAbsent(date, fresh) == null) {
                    return;
                }
                continue;
            }
            current.lock.lock();
            try {
                // Only a holder of a day's lock removes or replaces it, so the map still holds it.
                if (!current.retired) {
                    days.put(date, fresh);
                    current.retired = true;
                    return;
                }
            } finally {
                current.lock.unlock();
            }
        }
    }

    @Override
    public Optional<ZoneId> zone() {
        return Optional.ofNullable(zone);
    }

    @Override
    public void setZone(ZoneId zone) {
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /**
     * Removes every day whose retention has passed.
     *
     * @return how many days were removed
     */
    public int purgeExpired() {
        long now = clock.millis();
        int removed = 0;
        for (Day day : days.values()) {
            day.lock.lock();
            try {
                if (!day.retired && expired(day, now)) {
                    retire(day);
                    removed++;
                }
            } finally {
                day.lock.unlock();
            }
        }
        return removed;
    }

    /** Nothing to release: the data lives as long as the store object. */
    @Override
    public void close() {
    }

    /** The day's live state with its lock held, created when absent; the caller unlocks. */
    private Day lockForWrite(LocalDate date, long now) {
        while (true) {
            Day day = days.get(date);
            if (day == null) {
                Day created = new Day(date, now);
                day = days.putIfAbsent(date, created);
                if (day == null) {
                    day = created;
                    if (retentionMillis > 0) {
                        purgeExpired();
                    }
                }
            }
            day.lock.lock();
            if (day.retired) {
                day.lock.unlock();
            } else if (expired(day, now)) {
                retire(day);
                day.lock.unlock();
            } else {
                return day;
            }
        }
    }

    /** The day's live state with its lock held (the caller unlocks), or null when it has no data. */
    private @Nullable Day lockLive(LocalDate date) {
        long now = clock.millis();
        while (true) {
            Day day = days.get(date);
            if (day == null) {
                return null;
            }
            day.lock.lock();
            if (day.retired) {
                day.lock.unlock();
            } else if (expired(day, now)) {
                retire(day);
                day.lock.unlock();
                return null;
            } else {
                return day;
            }
        }
    }

    private boolean expired(Day day, long now) {
        return retentionMillis > 0 && day.lastUpdated + retentionMillis <= now;
    }

    /** Called with the day's lock held. */
    private void retire(Day day) {
        day.retired = true;
        days.remove(day.date, day);
    }

    /** One customer's running net spend on a day; mutable so a fact allocates nothing. */
    private static final class Spend {
        final String customerId;
        long netCents;
        /** Has a completed order that day: one of the day's unique customers. */
        boolean completed;

        Spend(String customerId) {
            this.customerId = customerId;
        }

        /** Negative when this ranks above the given (net, customer). */
        int compareTo(long otherNet, String otherCustomer) {
            return LeaderboardEntry.compare(netCents, customerId, otherNet, otherCustomer);
        }
    }

    /** One day's data; every field is guarded by {@link #lock}. */
    private static final class Day {
        final ReentrantLock lock = new ReentrantLock();
        final LocalDate date;
        final AppliedKeys appliedKeys;
        final Map<String, Spend> spendByCustomer;
        long grossRevenueCents;
        long successfulOrders;
        long failedOrders;
        long refundCents;
        int uniqueCustomers;
        long lastUpdated;
        /** Replaced or expired: no longer in the map, so whoever holds it must look again. */
        boolean retired;
        /** The last leaderboard read, asked with limit {@link #topOf}; null once a fact changed the day. */
        List<LeaderboardEntry> top;
        int topOf;

        Day(LocalDate date, long now) {
            this(date, new AppliedKeys(), new HashMap<>(), now);
        }

        private Day(LocalDate date, AppliedKeys appliedKeys, Map<String, Spend> spendByCustomer, long now) {
            this.date = date;
            this.appliedKeys = appliedKeys;
            this.spendByCustomer = spendByCustomer;
            this.lastUpdated = now;
        }

        static Day of(DayRebuild rebuild, long now) {
            Map<String, Spend> spend = new HashMap<>();
            rebuild.netCentsByCustomer().forEach((customer, net) -> spend.computeIfAbsent(customer, Spend::new)
                    .netCents = net);
            for (String customer : rebuild.customers()) {
                spend.computeIfAbsent(customer, Spend::new).completed = true;
            }
            AppliedKeys keys = new AppliedKeys();
            rebuild.appliedKeys().forEach(keys::add);
            Day day = new Day(rebuild.day(), keys, spend, now);
            DailyTotals totals = rebuild.totals();
            day.grossRevenueCents = totals.grossRevenueCents();
            day.successfulOrders = totals.successfulOrders();
            day.failedOrders = totals.failedOrders();
            day.refundCents = totals.refundCents();
            day.uniqueCustomers = rebuild.customers().size();
            return day;
        }

        boolean apply(KpiFact fact, long now) {
            if (!appliedKeys.add(fact.key())) {
                return false;
            }
            top = null;
            switch (fact.kind()) {
                case COMPLETED_ORDER -> {
                    grossRevenueCents += fact.cents();
                    successfulOrders++;
                    Spend spend = spend(fact.customerId());
                    spend.netCents += fact.cents();
                    if (!spend.completed) {
                        spend.completed = true;
                        uniqueCustomers++;
                    }
                }
                case FAILED_ORDER -> failedOrders++;
                case REFUND -> {
                    refundCents += fact.cents();
                    spend(fact.customerId()).netCents -= fact.cents();
                }
            }
            // A writer may have read the clock before waiting for the lock: never move back.
            lastUpdated = Math.max(lastUpdated, now);
            return true;
        }

        private Spend spend(String customerId) {
            Spend spend = spendByCustomer.get(customerId);
            if (spend == null) {
                spend = new Spend(customerId);
                spendByCustomer.put(customerId, spend);
            }
            return spend;
        }

        DailyTotals totals() {
            return new DailyTotals(date, grossRevenueCents, successfulOrders, failedOrders, refundCents,
                    uniqueCustomers);
        }
    }

    /** Settings of a {@link MemoryKpiStore}; not thread-safe, used once. */
    public static final class Builder {

        private Clock clock = Clock.systemUTC();
        private Duration retention = Duration.ofDays(30);

        private Builder() {
        }

        /** The clock retention is measured with; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long a day is kept after its last update; 30 days by default, {@link Duration#ZERO}
         * for ever. Millisecond precision, rounded up.
         *
         * @throws IllegalArgumentException when negative
         */
        public Builder retention(Duration retention) {
            if (retention.isNegative()) {
                throw new IllegalArgumentException("Retention must not be negative: " + retention);
            }
            this.retention = retention;
            return this;
        }

        public MemoryKpiStore build() {
            return new MemoryKpiStore(this);
        }
    }
}
