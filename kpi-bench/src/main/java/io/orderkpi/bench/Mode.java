package io.orderkpi.bench;

import java.util.Locale;

/**
 * How big and how often: {@link #SMOKE} checks that every workload runs (the test in
 * {@code ./mvnw verify}), {@link #QUICK} gives a first figure in under three minutes and
 * {@link #FULL} the figures of {@code docs/performance.md} in under fifteen.
 *
 * @param warmups  runs of each side not counted, first
 * @param runs     counted runs of each side, taken in turns (ours, limit, ours, …)
 * @param scale    multiplies every workload's base size
 */
public enum Mode {
    SMOKE(0, 1, 0.01),
    QUICK(1, 3, 0.2),
    FULL(1, 5, 1.0);

    private final int warmups;
    private final int runs;
    private final double scale;

    Mode(int warmups, int runs, double scale) {
        this.warmups = warmups;
        this.runs = runs;
        this.scale = scale;
    }

    public int warmups() {
        return warmups;
    }

    public int runs() {
        return runs;
    }

    /** {@code full} scaled down to this mode, at least {@code floor}. */
    public int size(int full, int floor) {
        return Math.max(floor, (int) Math.round(full * scale));
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
