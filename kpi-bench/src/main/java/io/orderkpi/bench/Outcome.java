package io.orderkpi.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What a workload found: figures, or the reason it did not run. */
public sealed interface Outcome permits Outcome.Measured, Outcome.NotRun {

    /**
     * Counted runs of both sides, taken in turns; the i-th run of ours is paired with the i-th run
     * of the limit, so a ratio holds when the machine's speed drifts during the run.
     *
     * @param oursRuns  our figure of each run (higher is better)
     * @param limitRuns the limit's figure of each run, same unit
     * @param notes  extra figures worth printing (latency percentiles, sizes), by name
     */
    record Measured(List<Double> oursRuns, List<Double> limitRuns, Map<String, String> notes) implements Outcome {

        public Measured {
            oursRuns = List.copyOf(oursRuns);
            limitRuns = List.copyOf(limitRuns);
            notes = Map.copyOf(notes);
            if (oursRuns.isEmpty() || oursRuns.size() != limitRuns.size()) {
                throw new IllegalArgumentException("need as many runs of ours as of the limit, at least one: "
                        + oursRuns.size() + " vs " + limitRuns.size());
            }
            if (oursRuns.stream().anyMatch(v -> !(v > 0)) || limitRuns.stream().anyMatch(v -> !(v > 0))) {
                throw new IllegalArgumentException("every figure must be a positive number: " + oursRuns + " "
                        + limitRuns);
            }
        }

        /** The median of our runs. */
        public double ours() {
            return median(oursRuns);
        }

        /** The median of the limit's runs. */
        public double limit() {
            return median(limitRuns);
        }

        /** The median of the pairwise ratios. */
        public double ratio() {
            return median(ratios());
        }

        public double minRatio() {
            return Collections.min(ratios());
        }

        public double maxRatio() {
            return Collections.max(ratios());
        }

        public List<Double> ratios() {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < oursRuns.size(); i++) {
                ratios.add(oursRuns.get(i) / limitRuns.get(i));
            }
            return ratios;
        }

        static double median(List<Double> values) {
            List<Double> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            int middle = sorted.size() / 2;
            return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
        }
    }

    /** @param why one line: what is missing and how to get it */
    record NotRun(String why) implements Outcome {
        public NotRun {
            Objects.requireNonNull(why, "why");
        }
    }
}
