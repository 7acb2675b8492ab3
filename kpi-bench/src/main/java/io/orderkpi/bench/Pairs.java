package io.orderkpi.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs ours and the limit in turns (warm-ups first, then counted pairs). */
final class Pairs {

    /** One run of one side: its figure, higher is better (operations per second). */
    @FunctionalInterface
    interface Side {
        double run() throws Exception;
    }

    private Pairs() {
    }

    static Outcome.Measured measure(Mode mode, Side ours, Side limit, Map<String, String> notes) throws Exception {
        for (int i = 0; i < mode.warmups(); i++) {
            ours.run();
            limit.run();
        }
        List<Double> oursRuns = new ArrayList<>();
        List<Double> limitRuns = new ArrayList<>();
        for (int i = 0; i < mode.runs(); i++) {
            oursRuns.add(ours.run());
            limitRuns.add(limit.run());
        }
        return new Outcome.Measured(oursRuns, limitRuns, notes);
    }

    /** {@code count} operations in {@code nanos}, per second. */
    static double perSecond(long count, long nanos) {
        return count / (Math.max(nanos, 1) / 1e9);
    }
}
