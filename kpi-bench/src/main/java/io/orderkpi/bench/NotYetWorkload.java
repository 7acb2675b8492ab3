package io.orderkpi.bench;

/** A workload whose back-end adapter does not exist yet: always reported as not run, with why. */
record NotYetWorkload(String id, String title, String unit, Goal goal, String why) implements Workload {

    @Override
    public Outcome run(Mode mode) {
        return new Outcome.NotRun(why);
    }
}
