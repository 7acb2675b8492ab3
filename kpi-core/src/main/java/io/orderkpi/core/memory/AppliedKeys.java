package io.orderkpi.core.memory;

import java.util.HashSet;
import java.util.Set;

/**
 * The applied fact keys of one day. Order keys ({@code order:{id}:completed|failed}), by far the
 * most numerous, are kept as packed {@code long}s in an open-addressing table: a day can hold
 * millions of them, and a {@code HashSet<String>} would cost a node per key, a cache miss or two
 * per lookup and a lot of garbage-collector copying, which made the key set the bulk of the cost
 * of a fact. Every other key (refunds, keys not in canonical form) goes to an ordinary set.
 *
 * <p>The packing is a bijection on canonical keys (decimal id without sign or leading zeros), so
 * two keys are the same entry exactly when the strings are equal. Not thread-safe: guarded by the
 * day's lock.
 */
final class AppliedKeys {

    private static final String ORDER_PREFIX = "order:";
    private static final String COMPLETED = "completed";
    private static final String FAILED = "failed";
    /** Ids up to this pack into a positive long next to the kind bit; larger ones stay strings. */
    private static final long MAX_PACKED_ID = (Long.MAX_VALUE >> 1) - 1;
    private static final long EMPTY = 0;

    private long[] table = new long[16];
    /** 64 minus log2 of the table length: takes the hash's top bits, the best mixed ones. */
    private int shift = 64 - 4;
    private int packed;
    private final Set<String> others = new HashSet<>();

    /** Adds the key; false when it was already there. */
    boolean add(String key) {
        long code = pack(key);
        return code == EMPTY ? others.add(key) : addPacked(code);
    }

    int size() {
        return packed + others.size();
    }

    /**
     * The key packed as {@code (id << 1 | failed) + 1}, never {@link #EMPTY}; or {@link #EMPTY}
     * when it is not a canonical order key.
     */
    static long pack(String key) {
        int length = key.length();
        if (!key.startsWith(ORDER_PREFIX)) {
            return EMPTY;
        }
        int i = ORDER_PREFIX.length();
        int digitsStart = i;
        long id = 0;
        while (i < length && key.charAt(i) >= '0' && key.charAt(i) <= '9') {
            if (id > (MAX_PACKED_ID - 9) / 10) {
                return EMPTY;
            }
            id = id * 10 + (key.charAt(i) - '0');
            i++;
        }
        int digits = i - digitsStart;
        boolean canonical = digits > 0 && (digits == 1 || key.charAt(digitsStart) != '0');
        if (!canonical || i >= length || key.charAt(i) != ':') {
            return EMPTY;
        }
        int suffix = i + 1;
        int suffixLength = length - suffix;
        if (suffixLength == COMPLETED.length() && key.startsWith(COMPLETED, suffix)) {
            return (id << 1) + 1;
        }
        if (suffixLength == FAILED.length() && key.startsWith(FAILED, suffix)) {
            return (id << 1 | 1) + 1;
        }
        return EMPTY;
    }

    private boolean addPacked(long code) {
        long[] slots = table;
        int mask = slots.length - 1;
        // Fibonacci hashing spreads consecutive ids over the table; linear probing stays in cache.
        int slot = (int) ((code * 0x9E3779B97F4A7C15L) >>> shift);
        while (slots[slot] != EMPTY) {
            if (slots[slot] == code) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        slots[slot] = code;
        packed++;
        if (packed * 3L > slots.length * 2L) {
            grow();
        }
        return true;
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        shift--;
        packed = 0;
        for (long code : old) {
            if (code != EMPTY) {
                addPacked(code);
            }
        }
    }
}
