package io.orderkpi.core.workflow;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The first result of each key, for the most recent {@code capacity} keys: the idempotency memory
 * of the simulations. A server on the simulated gateways runs for weeks; remembering every key
 * would grow its heap by every order it ever processed, while a retry comes within minutes of
 * the first call. The oldest key is forgotten once more than {@code capacity} are held; a later
 * call with it is decided again. Thread-safe.
 */
final class RecentResults<K, V> {

    /** Keys kept unless a builder says otherwise: minutes of work at any rate this machine reaches. */
    static final int DEFAULT_CAPACITY = 100_000;

    private final int capacity;
    private final ConcurrentHashMap<K, V> results = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<K> oldestFirst = new ConcurrentLinkedQueue<>();
    private final AtomicInteger held = new AtomicInteger();

    RecentResults(int capacity) {
        this.capacity = checkCapacity(capacity);
    }

    static int checkCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the number of remembered keys must be at least 1: " + capacity);
        }
        return capacity;
    }

    /**
     * The remembered result of {@code key}, else {@code decide}'s, decided once even for concurrent
     * calls with the key (they wait for it).
     */
    V firstResult(K key, Function<? super K, ? extends V> decide) {
        Objects.requireNonNull(key, "key");
        boolean[] added = new boolean[1];
        V result = results.computeIfAbsent(key, k -> {
            added[0] = true;
            return decide.apply(k);
        });
        if (added[0]) {
            oldestFirst.add(key);
            if (held.incrementAndGet() > capacity) {
                forgetOldest();
            }
        }
        return result;
    }

    /** Replaces the result of a remembered key (atomically, as {@link ConcurrentHashMap#computeIfPresent}). */
    void update(K key, BiFunction<? super K, ? super V, ? extends V> change) {
        results.computeIfPresent(key, change);
    }

    int size() {
        return held.get();
    }

    private void forgetOldest() {
        K oldest = oldestFirst.poll();
        if (oldest != null) {
            results.remove(oldest);
            held.decrementAndGet();
        }
    }
}
