package io.orderkpi.redis;

import static io.orderkpi.core.kpi.KpiFact.completed;
import static io.orderkpi.core.kpi.KpiFact.failed;
import static io.orderkpi.core.kpi.KpiFact.refund;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderkpi.core.kpi.DayRebuild;
import io.orderkpi.core.kpi.KpiFact;
import io.orderkpi.testkit.RedisExtension;
import io.orderkpi.testkit.TestRedis;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which commands the store sends, counted by the server ({@code INFO commandstats}): a batch is
 * one script per day, a range one command per day. On a server this class owns, since resetting
 * the statistics is the server's business.
 */
class RedisKpiStoreRoundTripTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.owned();

    private static final LocalDate DAY = LocalDate.of(2025, 11, 16);
    private static final Pattern CALLS = Pattern.compile("cmdstat_([a-z|]+):calls=(\\d+)");

    private TestRedis redis;
    private RedisKpiStore store;

    @BeforeEach
    void openStore() {
        redis = REDIS.redis();
        store = RedisKpiStore.builder().uri(redis.uri()).prefix(redis.newKeyPrefix())
                .commandTimeout(Duration.ofSeconds(10)).build();
        // Every script used once, so the server has them cached: the tests count the steady state.
        LocalDate farAway = DAY.minusYears(1);
        store.apply(completed(0, farAway, "warm-up", 1));
        store.rank(farAway, "warm-up");
        store.distinctCustomers(farAway, farAway);
        store.replaceDay(DayRebuild.of(farAway, List.of()));
        redis.command("CONFIG", "RESETSTAT");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aBatchIsOneScriptPerDayAndNothingElse() {
        List<KpiFact> facts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            LocalDate day = DAY.plusDays(i % 3);
            facts.add(i % 5 == 4 ? failed(i, day, "c" + i) : completed(i, day, "c" + (i % 30), 100));
        }

        assertThat(store.applyAll(facts)).isEqualTo(300);

        assertThat(calls(APPLY_CALLS)).containsExactlyInAnyOrderEntriesOf(Map.of("evalsha", 3L));
    }

    @Test
    void aDayOfMoreThanAThousandFactsTakesOneScriptPerThousand() {
        List<KpiFact> facts = new ArrayList<>();
        for (int i = 0; i < 2_001; i++) {
            facts.add(completed(i, DAY, "c" + (i % 30), 100));
        }

        assertThat(store.applyAll(facts)).isEqualTo(2_001);

        assertThat(calls(APPLY_CALLS)).containsExactlyInAnyOrderEntriesOf(Map.of("evalsha", 3L));
    }

    @Test
    void aServerThatLostItsScriptsGetsEachScriptOnceByEvalAfterItsNoscript() {
        redis.command("SCRIPT", "FLUSH");
        redis.command("CONFIG", "RESETSTAT");
        List<KpiFact> facts = List.of(completed(1, DAY, "alice", 100), completed(2, DAY.plusDays(1), "bob", 100));

        assertThat(store.applyAll(facts)).isEqualTo(2);
        assertThat(store.applyAll(List.of(completed(3, DAY, "carol", 100)))).isEqualTo(1);

        assertThat(calls(APPLY_CALLS)).containsExactlyInAnyOrderEntriesOf(Map.of("evalsha", 3L, "eval", 2L));
        assertThat(String.valueOf(redis.command("INFO", "errorstats"))).contains("errorstat_NOSCRIPT:count=2");
    }

    @Test
    void rangeReadsSendOneCommandPerDay() {
        store.applyAll(List.of(completed(1, DAY, "alice", 100), completed(2, DAY.plusDays(3), "bob", 100)));
        redis.command("CONFIG", "RESETSTAT");

        assertThat(store.totals(DAY, DAY.plusDays(29))).hasSize(30);
        assertThat(store.distinctCustomers(DAY, DAY.plusDays(29))).isEqualTo(2);

        assertThat(calls(List.of("scard", "smembers"))).containsExactlyInAnyOrderEntriesOf(Map.of("hgetall", 30L, "evalsha", 30L));
    }

    @Test
    void aRebuildIsWrittenAsideAndSwappedInByOneScript() {
        List<KpiFact> facts = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            facts.add(i % 10 == 9 ? refund("r-" + i, DAY, "c" + i, 5) : completed(i, DAY, "c" + i, 100));
        }

        store.replaceDay(DayRebuild.of(DAY, facts));

        assertThat(calls(List.of())).containsExactlyInAnyOrderEntriesOf(Map.of(
                // 2,250 customers, 2,500 nets and 2,500 keys in commands of at most 1,000 members, a safety TTL each.
                "hset", 1L, "sadd", 3L + 3L, "zadd", 3L, "pexpire", 4L + 4L,
                // The swap: its temporary hash checked, then each built key checked, renamed and given the retention.
                "evalsha", 1L, "exists", 5L, "rename", 4L));
    }

    /** What the apply script calls inside the server, which the statistics count too. */
    private static final List<String> APPLY_CALLS = List.of("sadd", "zincrby", "hincrby", "pexpire", "persist");

    /**
     * Calls per command since the last reset, leaving out the statistics' own commands and those
     * a script makes inside the server (the statistics count those too).
     */
    private Map<String, Long> calls(List<String> insideScripts) {
        Map<String, Long> calls = new HashMap<>();
        Matcher matcher = CALLS.matcher(String.valueOf(redis.command("INFO", "commandstats")));
        while (matcher.find()) {
            calls.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        calls.remove("info");
        calls.remove("config|resetstat");
        calls.remove("config");
        insideScripts.forEach(calls::remove);
        return calls;
    }
}
