package io.orderkpi.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.ValueScanCursor;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.core.kpi.DailyTotals;
import io.orderkpi.core.kpi.DayRebuild;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.core.kpi.LeaderboardEntry;
import io.orderkpi.core.spi.Days;
import io.orderkpi.core.spi.KpiStore;
import io.orderkpi.redis.RedisLink.Call;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A {@link KpiStore} on Redis (Lettuce), shared by every process that uses the same server and
 * prefix. Thread-safe: one multiplexed connection carries every thread's commands, and commands
 * issued together are pipelined.
 *
 * <p><b>Layout</b> ({@code docs/redis.md}): per day, under the day as hash tag,
 * {@code {prefix}:{2025-11-16}:kpi} (a hash of integer counters, cents), {@code :cust} (the
 * customers with a completed order), {@code :lb} (the leaderboard: net spend negated as score, so
 * ascending order is highest spend first with ties in byte order) and {@code :applied} (the keys of
 * the facts applied that day). All four share the day's TTL, set relative to now (the retention)
 * by every write that takes effect. {@code {prefix}:zone} holds the zone and
 * {@code {prefix}:dataset} the marker that reveals a lost data set ({@link #detectDataLoss()}).
 *
 * <p><b>Exactly once:</b> one Lua script applies a batch of one day's facts, each with its
 * idempotency check, atomically ({@code EVALSHA}, falling back to {@code EVAL} when the server
 * lost its script cache). {@link #replaceDay} builds the day under temporary keys of the same
 * slot and renames them into place in one script.
 *
 * <p><b>Availability:</b> commands that cannot reach Redis, or get no answer within the command
 * timeout, throw {@link StoreUnavailableException}; a store built from a URI rejects commands at
 * once while disconnected and reconnects by itself (backoff capped at two seconds), so it recovers
 * without a restart. Money is exact up to 2^53 cents per fact and per customer and day, the
 * precision of a sorted-set score.
 */
public final class RedisKpiStore implements KpiStore {

    /** The largest amount a fact may carry: sorted-set scores are doubles, exact for integers up to 2^53. */
    public static final long MAX_CENTS = 1L << 53;

    private static final int FACTS_PER_SCRIPT = 1_000;
    private static final int MEMBERS_PER_COMMAND = 1_000;
    /** A rebuild's temporary keys vanish by themselves if the process building them dies. */
    private static final long TEMPORARY_TTL_MILLIS = Duration.ofHours(1).toMillis();

    private final RedisKeys keys;
    private final String retentionMillis;
    private final int wholeSetLimit;
    private final RedisLink link;

    private RedisKpiStore(Builder builder) {
        this.keys = new RedisKeys(builder.prefix);
        Duration retention = builder.retention;
        // Rounded up so that a positive retention below a millisecond does not mean forever.
        this.retentionMillis = Long.toString(retention.isZero() ? 0 : Math.max(1, retention.toMillis()));
        this.wholeSetLimit = builder.wholeSetLimit;
        this.link = new RedisLink("The Redis KPI store", builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    // --- Writes ---

    @Override
    public boolean apply(KpiFact fact) {
        return applyAll(List.of(fact)) == 1;
    }

    /** One script per day (per 1,000 facts of a day), all days pipelined in one round trip. */
    @Override
    public int applyAll(List<KpiFact> facts) {
        if (facts.isEmpty()) {
            return 0;
        }
        Map<LocalDate, List<KpiFact>> byDay = byDay(facts);
        RedisAsyncCommands<String, String> redis = commands();
        List<Call<Long>> calls = new ArrayList<>();
        for (Map.Entry<LocalDate, List<KpiFact>> day : byDay.entrySet()) {
            String[] dayKeys = keys.day(day.getKey());
            List<KpiFact> dayFacts = day.getValue();
            for (int from = 0; from < dayFacts.size(); from += FACTS_PER_SCRIPT) {
                List<KpiFact> chunk = dayFacts.subList(from, Math.min(dayFacts.size(), from + FACTS_PER_SCRIPT));
                String[] args = applyArguments(retentionMillis, chunk);
                calls.add(start(redis, KpiScript.APPLY, dayKeys, args));
            }
        }
        int applied = 0;
        for (Call<Long> call : calls) {
            applied += Math.toIntExact(finish(redis, call, "apply KPI facts"));
        }
        return applied;
    }

    /** The facts grouped by day in their order; a batch of one day (the common case) is not copied. */
    private static Map<LocalDate, List<KpiFact>> byDay(List<KpiFact> facts) {
        LocalDate first = facts.get(0).day();
        boolean oneDay = true;
        for (KpiFact fact : facts) {
            if (fact.cents() > MAX_CENTS) {
                throw new IllegalArgumentException("KPI fact " + fact.key() + " carries " + fact.cents()
                        + " cents, more than the " + MAX_CENTS + " a Redis score holds exactly");
            }
            oneDay &= fact.day().equals(first);
        }
        if (oneDay) {
            return Map.of(first, facts);
        }
        Map<LocalDate, List<KpiFact>> byDay = new LinkedHashMap<>();
        for (KpiFact fact : facts) {
            byDay.computeIfAbsent(fact.day(), day -> new ArrayList<>()).add(fact);
        }
        return byDay;
    }

    /** The arguments of {@link KpiScript#APPLY}: the retention, then key, kind, customer and cents of each fact. */
    static String[] applyArguments(String retentionMillis, List<KpiFact> facts) {
        String[] args = new String[1 + 4 * facts.size()];
        args[0] = retentionMillis;
        int i = 1;
        for (KpiFact fact : facts) {
            args[i++] = fact.key();
            args[i++] = switch (fact.kind()) {
                case COMPLETED_ORDER -> "c";
                case FAILED_ORDER -> "f";
                case REFUND -> "r";
            };
            args[i++] = fact.customerId();
            args[i++] = Long.toString(fact.cents());
        }
        return args;
    }

    /**
     * Builds the day under temporary keys of its slot (pipelined), then renames them into place in
     * one script, so readers see the old day or the new one. Facts applied to the old day while
     * the new one is built are replaced with it, as the contract says.
     */
    @Override
    public void replaceDay(DayRebuild rebuild) {
        for (long net : rebuild.netCentsByCustomer().values()) {
            if (Math.abs(net) > MAX_CENTS) {
                throw new IllegalArgumentException("Rebuild of " + rebuild.day() + " holds a net of " + net
                        + " cents, more than the " + MAX_CENTS + " a Redis score holds exactly");
            }
        }
        RedisAsyncCommands<String, String> redis = commands();
        String[] swap = keys.swap(rebuild.day(), UUID.randomUUID().toString());
        String tmpKpi = swap[4];
        String tmpCustomers = swap[5];
        String tmpLeaderboard = swap[6];
        String tmpApplied = swap[7];
        DailyTotals totals = rebuild.totals();
        List<RedisFuture<?>> building = new ArrayList<>();
        building.add(redis.hset(tmpKpi, Map.of("gross", Long.toString(totals.grossRevenueCents()),
                "success", Long.toString(totals.successfulOrders()), "failed", Long.toString(totals.failedOrders()),
                "refunds", Long.toString(totals.refundCents()), "customers", Long.toString(totals.uniqueCustomers()))));
        for (List<String> chunk : chunks(rebuild.customers())) {
            building.add(redis.sadd(tmpCustomers, chunk.toArray(String[]::new)));
        }
        // Every customer with a fact, zero and negative nets included, so later facts add up.
        List<Object> scoresAndMembers = new ArrayList<>();
        rebuild.netCentsByCustomer().forEach((customer, net) -> {
            scoresAndMembers.add(-(double) net);
            scoresAndMembers.add(customer);
        });
        for (int from = 0; from < scoresAndMembers.size(); from += 2 * MEMBERS_PER_COMMAND) {
            building.add(redis.zadd(tmpLeaderboard, scoresAndMembers.subList(from,
                    Math.min(scoresAndMembers.size(), from + 2 * MEMBERS_PER_COMMAND)).toArray()));
        }
        for (List<String> chunk : chunks(rebuild.appliedKeys())) {
            building.add(redis.sadd(tmpApplied, chunk.toArray(String[]::new)));
        }
        for (int i = 4; i < 8; i++) {
            building.add(redis.pexpire(swap[i], TEMPORARY_TTL_MILLIS));
        }
        try {
            for (RedisFuture<?> step : building) {
                await(step, "build the rebuilt day " + rebuild.day());
            }
            Call<String> swapping = start(redis, KpiScript.SWAP_DAY, swap, retentionMillis);
            finish(redis, swapping, "swap in the rebuilt day " + rebuild.day());
        } catch (RuntimeException e) {
            // Best effort: the temporary keys also expire by themselves.
            redis.unlink(swap[4], swap[5], swap[6], swap[7]);
            throw e;
        }
    }

    private static List<List<String>> chunks(Set<String> members) {
        List<String> all = new ArrayList<>(members);
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < all.size(); from += MEMBERS_PER_COMMAND) {
            chunks.add(all.subList(from, Math.min(all.size(), from + MEMBERS_PER_COMMAND)));
        }
        return chunks;
    }

    // --- Reads ---

    @Override
    public DailyTotals totals(LocalDate day) {
        RedisAsyncCommands<String, String> redis = commands();
        return totals(day, await(redis.hgetall(keys.dayKey(day, RedisKeys.KPI)), "read the totals of " + day));
    }

    /** Every day's hash in one pipelined round trip. */
    @Override
    public List<DailyTotals> totals(LocalDate from, LocalDate to) {
        List<LocalDate> days = Days.between(from, to);
        RedisAsyncCommands<String, String> redis = commands();
        List<RedisFuture<Map<String, String>>> reads = new ArrayList<>(days.size());
        for (LocalDate day : days) {
            reads.add(redis.hgetall(keys.dayKey(day, RedisKeys.KPI)));
        }
        List<DailyTotals> totals = new ArrayList<>(days.size());
        for (int i = 0; i < days.size(); i++) {
            totals.add(totals(days.get(i), await(reads.get(i), "read the totals of " + from + " to " + to)));
        }
        return totals;
    }

    private static DailyTotals totals(LocalDate day, Map<String, String> hash) {
        if (hash.isEmpty()) {
            return DailyTotals.empty(day);
        }
        return new DailyTotals(day, field(hash, "gross"), field(hash, "success"), field(hash, "failed"),
                field(hash, "refunds"), field(hash, "customers"));
    }

    private static long field(Map<String, String> hash, String name) {
        String value = hash.get(name);
        return value == null ? 0 : Long.parseLong(value);
    }

    /**
     * The union counted here, never on the server: days are in different slots, and a union of
     * many large sets would block Redis. Each day comes whole in one atomic read when it has at
     * most 10,000 customers (all days pipelined), else in {@code SSCAN} steps of about 1,000.
     */
    @Override
    public long distinctCustomers(LocalDate from, LocalDate to) {
        List<LocalDate> days = Days.between(from, to);
        RedisAsyncCommands<String, String> redis = commands();
        List<Call<List<Object>>> reads = new ArrayList<>(days.size());
        for (LocalDate day : days) {
            reads.add(start(redis, KpiScript.CUSTOMERS_IF_FEW, new String[] {keys.dayKey(day, RedisKeys.CUSTOMERS)},
                    Integer.toString(wholeSetLimit)));
        }
        Set<String> union = new HashSet<>();
        List<String> large = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            List<Object> reply = finish(redis, reads.get(i), "read the customers of " + days.get(i));
            if (!reply.isEmpty() && reply.get(0) instanceof Long) {
                large.add(keys.dayKey(days.get(i), RedisKeys.CUSTOMERS));
            } else {
                for (Object member : reply) {
                    union.add((String) member);
                }
            }
        }
        scanInto(redis, large, union);
        return union.size();
    }

    /** SSCAN of several sets side by side, one pipelined step of each at a time. */
    private void scanInto(RedisAsyncCommands<String, String> redis, List<String> sets, Set<String> union) {
        ScanArgs count = ScanArgs.Builder.limit(MEMBERS_PER_COMMAND);
        Map<String, ScanCursor> open = new LinkedHashMap<>();
        sets.forEach(set -> open.put(set, ScanCursor.INITIAL));
        while (!open.isEmpty()) {
            Map<String, RedisFuture<ValueScanCursor<String>>> steps = new LinkedHashMap<>();
            open.forEach((set, cursor) -> steps.put(set, redis.sscan(set, cursor, count)));
            open.clear();
            for (Map.Entry<String, RedisFuture<ValueScanCursor<String>>> step : steps.entrySet()) {
                ValueScanCursor<String> page = await(step.getValue(), "scan the customers of " + step.getKey());
                union.addAll(page.getValues());
                if (!page.isFinished()) {
                    open.put(step.getKey(), page);
                }
            }
        }
    }

    @Override
    public boolean hasData(LocalDate day) {
        return await(commands().exists(keys.dayKey(day, RedisKeys.KPI)), "check the data of " + day) > 0;
    }

    @Override
    public Set<String> customers(LocalDate day) {
        return Collections.unmodifiableSet(await(commands().smembers(keys.dayKey(day, RedisKeys.CUSTOMERS)),
                "read the customers of " + day));
    }

    /** Listed customers are those with a negative score (a positive net): {@code ZRANGEBYSCORE -inf (0}. */
    @Override
    public List<LeaderboardEntry> leaderboard(LocalDate day, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("Leaderboard limit must not be negative: " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        List<ScoredValue<String>> listed = await(commands().zrangebyscoreWithScores(
                keys.dayKey(day, RedisKeys.LEADERBOARD), Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(0)),
                Limit.create(0, limit)), "read the leaderboard of " + day);
        List<LeaderboardEntry> entries = new ArrayList<>(listed.size());
        for (ScoredValue<String> entry : listed) {
            entries.add(new LeaderboardEntry(entries.size() + 1, entry.getValue(), net(entry.getScore())));
        }
        return entries;
    }

    @Override
    public Optional<LeaderboardEntry> rank(LocalDate day, String customerId) {
        RedisAsyncCommands<String, String> redis = commands();
        Call<List<Object>> call = start(redis, KpiScript.RANK,
                new String[] {keys.dayKey(day, RedisKeys.LEADERBOARD)}, customerId);
        List<Object> reply = finish(redis, call, "read the rank of a customer on " + day);
        if (reply == null || reply.isEmpty()) {
            return Optional.empty();
        }
        long net = net(Double.parseDouble((String) reply.get(0)));
        return Optional.of(new LeaderboardEntry(Math.toIntExact((Long) reply.get(1) + 1), customerId, net));
    }

    private static long net(double score) {
        return (long) -score;
    }

    // --- Zone ---

    @Override
    public Optional<ZoneId> zone() {
        String zone = await(commands().get(keys.zone()), "read the KPI zone");
        return Optional.ofNullable(zone).map(ZoneId::of);
    }

    @Override
    public void setZone(ZoneId zone) {
        await(commands().set(keys.zone(), zone.getId()), "record the KPI zone");
    }

    // --- Data loss ---

    /**
     * Whether Redis lost what this prefix held since the last completed rebuild: a restart
     * without persistence, a {@code FLUSHALL}, a failover to a replica without the data. The
     * store keeps a marker key without TTL ({@code {prefix}:dataset}); when it is missing, the
     * data went with it. Cheap (one {@code GET}): poll it periodically and after a reconnect.
     *
     * <p>A fresh Redis, or a prefix used for the first time, also reports a loss: the store cannot
     * tell it from a lost one, and a rebuild of nothing is cheap. The loss is reported, to this
     * and every other process, until {@link #rebuildCompleted} is called with it, so a process
     * that dies during the rebuild leaves it to the others.
     *
     * <p>Live facts may keep arriving meanwhile: a rebuild that reads the records after taking
     * the outbox position and replays from it loses none.
     *
     * @return the loss to rebuild for; empty while the data set is intact
     */
    public Optional<DataLoss> detectDataLoss() {
        RedisAsyncCommands<String, String> redis = commands();
        for (int attempt = 0; attempt < 2; attempt++) {
            String marker = await(redis.get(keys.marker()), "read the data-set marker");
            if (marker != null && marker.startsWith("ok:")) {
                return Optional.empty();
            }
            if (marker != null && marker.startsWith("pending:")) {
                return Optional.of(new DataLoss(marker.substring("pending:".length()), true));
            }
            String token = UUID.randomUUID().toString();
            String set = await(redis.set(keys.marker(), "pending:" + token, SetArgs.Builder.nx()), "write the data-set marker");
            if ("OK".equals(set)) {
                return Optional.of(new DataLoss(token, false));
            }
            // Another process noticed the loss at the same moment: report its token.
        }
        throw new StoreUnavailableException("The data-set marker " + keys.marker() + " on " + link.server()
                + " changed twice while being read; try again");
    }

    /**
     * Marks the rebuild after {@code loss} complete, unless the data was lost again meanwhile (the
     * marker no longer names this loss): then nothing is marked and {@link #detectDataLoss()}
     * reports the new loss. Idempotent.
     *
     * @return true when the data set is marked intact
     */
    public boolean rebuildCompleted(DataLoss loss) {
        RedisAsyncCommands<String, String> redis = commands();
        Call<Long> call = start(redis, KpiScript.COMPLETE_REBUILD, new String[] {keys.marker()}, loss.token());
        return finish(redis, call, "mark the rebuild complete") == 1;
    }

    @Override
    public Optional<String> dataLoss() {
        return detectDataLoss().map(DataLoss::token);
    }

    @Override
    public boolean rebuiltAfter(String token) {
        return rebuildCompleted(new DataLoss(token, false));
    }

    @Override
    public void close() {
        link.close();
    }

    // --- Plumbing ---

    private RedisAsyncCommands<String, String> commands() {
        return link.commands();
    }

    private static <T> Call<T> start(RedisAsyncCommands<String, String> redis, KpiScript script, String[] keys,
            String... args) {
        return RedisLink.start(redis, script, keys, args);
    }

    private <T> T finish(RedisAsyncCommands<String, String> redis, Call<T> call, String what) {
        return link.finish(redis, call, what);
    }

    private <T> T await(RedisFuture<T> future, String what) {
        return link.await(future, what);
    }

    /**
     * Settings of a {@link RedisKpiStore}; {@link #uri} or {@link #client} is required.
     * Not thread-safe; the store it builds is.
     */
    public static final class Builder extends RedisSettings<Builder> {

        private Duration retention = Duration.ofDays(30);
        private int wholeSetLimit = 10_000;

        private Builder() {
        }

        @Override
        Builder self() {
            return this;
        }

        /** How long a day is kept after its last update (default 30 days); zero keeps days forever. */
        public Builder retention(Duration retention) {
            if (retention.isNegative()) {
                throw new IllegalArgumentException("KPI retention must not be negative: " + retention);
            }
            this.retention = retention;
            return this;
        }

        /** Days with more customers than this are read in SSCAN steps by a range count; for tests. */
        Builder wholeSetLimit(int wholeSetLimit) {
            this.wholeSetLimit = wholeSetLimit;
            return this;
        }

        /**
         * Builds the store; it connects on first use.
         *
         * @throws IllegalArgumentException when neither or both of uri and client are given
         */
        public RedisKpiStore build() {
            return new RedisKpiStore(this);
        }
    }
}
