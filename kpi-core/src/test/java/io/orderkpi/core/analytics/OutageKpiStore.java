package io.orderkpi.core.analytics;

import io.orderkpi.core.StoreUnavailableException;
import io.orderkpi.core.spi.KpiStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real KPI store behind an injected outage: from {@link #downFor} on, every call throws
 * {@link StoreUnavailableException} (as a Redis adapter does when Redis is unreachable) until the
 * outage's clock has moved past its end; the test moves that clock.
 */
final class OutageKpiStore implements KpiStore {

    private final KpiStore store;
    private final Clock outageClock;
    private final AtomicReference<Instant> downUntil = new AtomicReference<>();
    private final AtomicInteger refusedCalls = new AtomicInteger();

    OutageKpiStore(KpiStore store, Clock outageClock) {
        this.store = store;
        this.outageClock = outageClock;
    }

    void downFor(Duration outage) {
        downUntil.set(outageClock.instant().plus(outage));
    }

    int refusedCalls() {
        return refusedCalls.get();
    }

    private void check() {
        Instant until = downUntil.get();
        if (until != null && outageClock.instant().isBefore(until)) {
            refusedCalls.incrementAndGet();
            throw new StoreUnavailableException("KPI store unreachable (injected outage until " + until + ")");
        }
    }

    @Override
    public boolean apply(KpiFact fact) {
        check();
        return store.apply(fact);
    }

    @Override
    public int applyAll(List<KpiFact> facts) {
        check();
        return store.applyAll(facts);
    }

    @Override
    public DailyTotals totals(LocalDate day) {
        check();
        return store.totals(day);
    }

    @Override
    public List<DailyTotals> totals(LocalDate from, LocalDate to) {
        check();
        return store.totals(from, to);
    }

    @Override
    public long distinctCustomers(LocalDate from, LocalDate to) {
        check();
        return store.distinctCustomers(from, to);
    }

    @Override
    public boolean hasData(LocalDate day) {
        check();
        return store.hasData(day);
    }

    @Override
    public Set<String> customers(LocalDate day) {
        check();
        return store.customers(day);
    }

    @Override
    public List<LeaderboardEntry> leaderboard(LocalDate day, int limit) {
        check();
        return store.leaderboard(day, limit);
    }

    @Override
    public Optional<LeaderboardEntry> rank(LocalDate day, String customerId) {
        check();
        return store.rank(day, customerId);
    }

    @Override
    public void replaceDay(DayRebuild rebuild) {
        check();
        store.replaceDay(rebuild);
    }

    @Override
    public Optional<ZoneId> zone() {
        check();
        return store.zone();
    }

    @Override
    public void setZone(ZoneId zone) {
        check();
        store.setZone(zone);
    }

    @Override
    public void close() {
        store.close();
    }
}
