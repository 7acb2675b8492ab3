package io.orderkpi.core.analytics;

import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.DayRebuild;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.kpi.LeaderboardEntry;
import io.orderkpi.core.spi.KpiStore;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A KPI store that passes every call to a real one, for tests that inject a fault or a race:
 * override {@link #beforeCall()} (every call but {@code close}) or a single method.
 */
class ForwardingKpiStore implements KpiStore {

    private final KpiStore store;

    ForwardingKpiStore(KpiStore store) {
        this.store = store;
    }

    /** Runs before every call is passed on; does nothing here. */
    protected void beforeCall() {
    }

    @Override
    public boolean apply(KpiFact fact) {
        beforeCall();
        return store.apply(fact);
    }

    @Override
    public int applyAll(List<KpiFact> facts) {
        beforeCall();
        return store.applyAll(facts);
    }

    @Override
    public DailyTotals totals(LocalDate day) {
        beforeCall();
        return store.totals(day);
    }

    @Override
    public List<DailyTotals> totals(LocalDate from, LocalDate to) {
        beforeCall();
        return store.totals(from, to);
    }

    @Override
    public long distinctCustomers(LocalDate from, LocalDate to) {
        beforeCall();
        return store.distinctCustomers(from, to);
    }

    @Override
    public boolean hasData(LocalDate day) {
        beforeCall();
        return store.hasData(day);
    }

    @Override
    public Set<String> customers(LocalDate day) {
        beforeCall();
        return store.customers(day);
    }

    @Override
    public List<LeaderboardEntry> leaderboard(LocalDate day, int limit) {
        beforeCall();
        return store.leaderboard(day, limit);
    }

    @Override
    public Optional<LeaderboardEntry> rank(LocalDate day, String customerId) {
        beforeCall();
        return store.rank(day, customerId);
    }

    @Override
    public void replaceDay(DayRebuild rebuild) {
        beforeCall();
        store.replaceDay(rebuild);
    }

    @Override
    public Optional<ZoneId> zone() {
        beforeCall();
        return store.zone();
    }

    @Override
    public void setZone(ZoneId zone) {
        beforeCall();
        store.setZone(zone);
    }

    @Override
    public void close() {
        store.close();
    }
}
