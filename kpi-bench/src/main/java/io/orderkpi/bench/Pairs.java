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
        return measure(mode, ours, limit, ours, limit, notes);
    }

    /** With warm-ups of their own, for a workload whose counted runs are too long to repeat once more. */
    static Outcome.Measured measure(Mode mode, Side warmOurs, Side warmLimit, Side ours, Side limit,
            Map<String, String> notes) throws Exception {
        return measure(mode.warmups(), mode.runs(), warmOurs, warmLimit, ours, limit, notes);
    }

    /** With counts of its own, for a workload whose runs are too long for its mode's count. */
    static Outcome.Measured measure(int warmups, int runs, Side warmOurs, Side warmLimit, Side ours, Side limit,
            Map<String, String> notes) throws Exception {
        for (int i = 0; i < warmups; i++) {
            warmOurs.run();
            warmLimit.run();
        }
        List<Double> oursRuns = new ArrayList<>();
        List<Double> limitRuns = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
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
