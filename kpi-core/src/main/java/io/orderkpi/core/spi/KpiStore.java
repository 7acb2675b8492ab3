package io.orderkpi.core.spi;

import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.DayRebuild;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.kpi.LeaderboardEntry;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Per-day KPIs and leaderboards (SPEC §5), derived from the records and rebuildable from them.
 * Every write is a {@link KpiFact} or a whole {@link DayRebuild}, and each touches exactly one
 * day, so a distributed store can do it in one atomic step on one shard (Redis: one Lua script on
 * keys sharing the day's hash tag).
 *
 * <p>Contract every implementation keeps (checked by {@code KpiStoreContract} of kpi-testkit):
 * <ul>
 *   <li><b>Thread-safe</b>; every method may be called from any thread, and from several
 *       processes sharing the back-end.</li>
 *   <li><b>Exactly once:</b> a fact's key is applied at most once per day, atomically with its
 *       effect, also when duplicates arrive concurrently from several threads or nodes. A key is
 *       remembered with its day (a global key set would grow forever), so the same key on another
 *       day is another fact; callers always derive a key's day from the records.</li>
 *   <li><b>Integers only:</b> cents and counts. Ratios (average order value, conversion rate) are
 *       computed by the caller from {@link DailyTotals}; over a range, from the summed totals.</li>
 *   <li><b>Retention:</b> a day's data, its applied keys included, is kept for the retention
 *       period after the day's last update (an apply that takes effect, or a
 *       {@link #replaceDay}), then removed as a whole; a duplicate changes nothing, its expiry
 *       included. Because the keys go with the data, an expired day can never count a fact twice:
 *       a fact arriving after expiry counts once in a day that starts from zero. Retention zero
 *       keeps days forever. The {@linkplain #zone() zone} is kept regardless of retention.</li>
 *   <li><b>Readers never see half a write:</b> a read of one day sees every fact or rebuild
 *       applied before it, or none of it.</li>
 *   <li>A back-end that cannot be reached throws {@link io.orderkpi.core.lang.StoreUnavailableException}.</li>
 * </ul>
 */
public interface KpiStore extends AutoCloseable {

    /**
     * Applies a fact unless its key was already applied to its day.
     *
     * @return true when applied, false for a duplicate (nothing changed)
     */
    boolean apply(KpiFact fact);

    /**
     * Applies a batch of facts, each exactly as {@link #apply} would (a key repeated inside the
     * batch, or applied before, counts once). Facts of one day may be grouped into one round trip;
     * the batch as a whole is not atomic.
     *
     * @return how many facts were applied (not duplicates)
     */
    int applyAll(List<KpiFact> facts);

    /** The day's counters; all zero when the day has no data. */
    DailyTotals totals(LocalDate day);

    /**
     * The counters of every day of {@code [from, to]} in order, zeros for a day without data: one
     * call per range, so a remote store can read all days in one round trip (a pipeline).
     *
     * @throws IllegalArgumentException when {@code from} is after {@code to}
     */
    default List<DailyTotals> totals(LocalDate from, LocalDate to) {
        List<DailyTotals> days = new ArrayList<>();
        for (LocalDate day : Days.between(from, to)) {
            days.add(totals(day));
        }
        return days;
    }

    /**
     * The number of distinct customers with a completed order on any day of {@code [from, to]}:
     * the size of the union of the days' customer sets, never a sum of daily counts. A remote
     * store should count the union without blocking the server on one huge operation.
     *
     * @throws IllegalArgumentException when {@code from} is after {@code to}
     */
    default long distinctCustomers(LocalDate from, LocalDate to) {
        Set<String> union = new HashSet<>();
        for (LocalDate day : Days.between(from, to)) {
            union.addAll(customers(day));
        }
        return union.size();
    }

    /** Whether the day has data: a fact applied or the day replaced, within retention. */
    boolean hasData(LocalDate day);

    /**
     * The distinct customers with a completed order that day (empty when none), so a caller can
     * count distinct customers over a range as the size of the union, never as a sum.
     */
    Set<String> customers(LocalDate day);

    /**
     * The day's top customers by net spend (completed totals minus refunds of that day): highest
     * first, ties by customer id in ascending UTF-8 byte order ({@link LeaderboardEntry#ORDER}),
     * ranks 1..n without gaps. Customers whose net is zero or less are not listed.
     *
     * @param limit at most this many entries; zero gives an empty list
     * @throws IllegalArgumentException when {@code limit} is negative
     */
    List<LeaderboardEntry> leaderboard(LocalDate day, int limit);

    /** The customer's entry as {@link #leaderboard} would list it; empty when not listed. */
    Optional<LeaderboardEntry> rank(LocalDate day, String customerId);

    /**
     * Replaces everything the store holds for the rebuild's day (counters, customers,
     * leaderboard, applied keys) with the rebuild, atomically: readers see the old day or the new
     * one, never a mix, and nothing of the old day remains. Counts as an update for retention;
     * an empty rebuild leaves a day that {@linkplain #hasData has data} with all zeros.
     */
    void replaceDay(DayRebuild rebuild);

    /** The zone the days were computed in; empty until {@link #setZone} (SPEC §5). */
    Optional<ZoneId> zone();

    /** Records the zone the days are computed in; kept until changed, whatever the retention. */
    void setZone(ZoneId zone);

    /**
     * Whether the back-end lost the data it held (a restart without persistence, a flush, a
     * failover to an empty replica) since the last rebuild: then every retained day must be rebuilt
     * from the records. Answers a token naming the loss, the same to every process until
     * {@link #rebuiltAfter} is called with it; empty while the data is intact. A store that cannot
     * lose its data on its own (memory) is always intact. Cheap: it is polled every few seconds.
     */
    default Optional<String> dataLoss() {
        return Optional.empty();
    }

    /**
     * Marks the rebuild after the loss {@code token} complete, unless the data was lost again
     * meanwhile.
     *
     * @return true when the store is marked intact; false when it lost its data again (rebuild
     *         again)
     */
    default boolean rebuiltAfter(String token) {
        return true;
    }

    /** Releases connections or threads the store holds. Idempotent. */
    @Override
    void close();
}
