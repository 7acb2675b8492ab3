package io.orderkpi.core.kpi;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a {@link io.orderkpi.core.spi.KpiStore} keeps for one day, recomputed from the
 * records: what {@link io.orderkpi.core.spi.KpiStore#replaceDay} puts in place of the day's
 * current data. Immutable and thread-safe.
 *
 * @param totals              the day's counters
 * @param netCentsByCustomer  every customer with a fact that day → completed totals minus refunds,
 *                            zero and negative values included, so later facts add up correctly
 * @param customers           the customers with a completed order that day
 * @param appliedKeys         the keys of the facts the rebuild accounts for: they stay duplicates
 */
public record DayRebuild(DailyTotals totals, Map<String, Long> netCentsByCustomer, Set<String> customers,
        Set<String> appliedKeys) {

    public DayRebuild {
        Objects.requireNonNull(totals, "totals");
        netCentsByCustomer = Map.copyOf(netCentsByCustomer);
        customers = Set.copyOf(customers);
        appliedKeys = Set.copyOf(appliedKeys);
        if (customers.size() != totals.uniqueCustomers()) {
            throw new IllegalArgumentException("Rebuild of " + totals.day() + " counts " + totals.uniqueCustomers()
                    + " unique customers but lists " + customers.size());
        }
    }

    public LocalDate day() {
        return totals.day();
    }

    /**
     * Computes a day from its facts, each key counted once (the first occurrence), exactly as a
     * store applying them one by one would.
     *
     * @throws IllegalArgumentException when a fact belongs to another day
     */
    public static DayRebuild of(LocalDate day, Iterable<KpiFact> facts) {
        Set<String> keys = new HashSet<>();
        Map<String, Long> net = new HashMap<>();
        Set<String> customers = new HashSet<>();
        long gross = 0;
        long successful = 0;
        long failed = 0;
        long refunds = 0;
        for (KpiFact fact : facts) {
            if (!fact.day().equals(day)) {
                throw new IllegalArgumentException("Fact " + fact.key() + " is of " + fact.day() + ", not " + day);
            }
            if (!keys.add(fact.key())) {
                continue;
            }
            switch (fact.kind()) {
                case COMPLETED_ORDER -> {
                    gross += fact.cents();
                    successful++;
                    customers.add(fact.customerId());
                    net.merge(fact.customerId(), fact.cents(), Long::sum);
                }
                case FAILED_ORDER -> failed++;
                case REFUND -> {
                    refunds += fact.cents();
                    net.merge(fact.customerId(), -fact.cents(), Long::sum);
                }
            }
        }
        return new DayRebuild(new DailyTotals(day, gross, successful, failed, refunds, customers.size()), net,
                customers, keys);
    }
}
