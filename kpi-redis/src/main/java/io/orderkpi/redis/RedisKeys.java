package io.orderkpi.redis;

import java.time.LocalDate;
import java.util.List;

/**
 * The key names of {@link RedisKpiStore} under one prefix. Every key of a day carries the day
 * as its hash tag ({@code okpi:{2025-11-16}:kpi}), so a script taking any keys of one day
 * touches one hash slot. Immutable and thread-safe.
 */
final class RedisKeys {

    static final String KPI = "kpi";
    static final String CUSTOMERS = "cust";
    static final String LEADERBOARD = "lb";
    static final String APPLIED = "applied";
    private static final List<String> DAY_PARTS = List.of(KPI, CUSTOMERS, LEADERBOARD, APPLIED);

    private final String prefix;

    /**
     * @throws IllegalArgumentException when the prefix is empty, too long, or holds a brace (which
     *         would make a hash tag of its own) or a character that is not printable ASCII
     */
    RedisKeys(String prefix) {
        this.prefix = validate(prefix);
    }

    static String validate(String prefix) {
        if (prefix.isEmpty() || prefix.length() > 64) {
            throw new IllegalArgumentException("Redis key prefix must be 1 to 64 characters long, not "
                    + prefix.length() + ": \"" + prefix + "\"");
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '{' || c == '}') {
                throw new IllegalArgumentException("Redis key prefix must not contain '{' or '}', since the day is the "
                        + "hash tag of every key: \"" + prefix + "\"");
            }
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException("Redis key prefix must be printable ASCII without spaces: \"" + prefix
                        + "\" has character " + (int) c + " at " + i);
            }
        }
        return prefix;
    }

    String prefix() {
        return prefix;
    }

    /** kpi, cust, lb, applied of the day: the keys of {@link KpiScript#APPLY}. */
    String[] day(LocalDate day) {
        String tag = prefix + ":{" + day + "}:";
        return new String[] {tag + KPI, tag + CUSTOMERS, tag + LEADERBOARD, tag + APPLIED};
    }

    String dayKey(LocalDate day, String part) {
        return prefix + ":{" + day + "}:" + part;
    }

    /** The day's keys followed by temporary twins named by {@code token}: the keys of {@link KpiScript#SWAP_DAY}. */
    String[] swap(LocalDate day, String token) {
        String[] keys = new String[8];
        for (int i = 0; i < 4; i++) {
            keys[i] = dayKey(day, DAY_PARTS.get(i));
            keys[i + 4] = dayKey(day, "tmp:" + token + ":" + DAY_PARTS.get(i));
        }
        return keys;
    }

    /** The zone the days are computed in; no TTL and no day, so it outlives retention. */
    String zone() {
        return prefix + ":zone";
    }

    /** The data-set marker that shows whether Redis lost what this prefix held. */
    String marker() {
        return prefix + ":dataset";
    }
}
