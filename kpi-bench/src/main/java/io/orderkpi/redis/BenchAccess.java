package io.orderkpi.redis;

import io.lettuce.core.ScriptOutputType;
import io.orderkpi.core.kpi.KpiFact;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * What the bare limits of kpi-bench send to Redis: the KPI store's own apply script, its key
 * names and its argument layout, so that the limit of P3 and P7 runs the same script on the same
 * keys as ours and differs only in the Java around it. It lives in the store's package (inside
 * kpi-bench, not kpi-redis) because these stay package-private in the library: they are not API.
 */
public final class BenchAccess {

    private BenchAccess() {
    }

    public static String applyScriptSource() {
        return KpiScript.APPLY.source();
    }

    public static String applyScriptSha() {
        return KpiScript.APPLY.sha();
    }

    public static ScriptOutputType applyScriptOutput() {
        return KpiScript.APPLY.output();
    }

    /** The keys of one day's apply script: kpi, cust, lb, applied. */
    public static String[] dayKeys(String prefix, LocalDate day) {
        return new RedisKeys(prefix).day(day);
    }

    /** The day's counters hash. */
    public static String totalsKey(String prefix, LocalDate day) {
        return new RedisKeys(prefix).dayKey(day, RedisKeys.KPI);
    }

    /** The day's set of customers with a completed order. */
    public static String customersKey(String prefix, LocalDate day) {
        return new RedisKeys(prefix).dayKey(day, RedisKeys.CUSTOMERS);
    }

    /** The script's arguments for facts of one day, with the retention the store would pass. */
    public static String[] applyArguments(Duration retention, List<KpiFact> facts) {
        return RedisKpiStore.applyArguments(Long.toString(retention.toMillis()), facts);
    }
}
