package io.orderkpi.bench;

/**
 * One row of the table: our code doing a job, and the limit it is compared with, measured in the
 * same run on the same data (BENCHMARKS.md). Implementations keep every loop bounded by count or
 * time and release what they start.
 */
public interface Workload {

    /** {@code P1} … {@code P10}. */
    String id();

    /** What is measured, in a few words. */
    String title();

    /** The unit of {@link Outcome.Measured#ours()} and {@link Outcome.Measured#limit()}. */
    String unit();

    /** The ratio (ours / limit) the project aims at. */
    Goal goal();

    /** Measures, or says why it cannot run here. */
    Outcome run(Mode mode) throws Exception;

    /**
     * The floor a ratio should reach.
     *
     * @param text how the table shows it ({@code ≥ 0.5})
     */
    record Goal(double atLeast, String text) {
        public static Goal atLeast(double ratio) {
            return new Goal(ratio, "≥ " + ratio);
        }
    }
}
