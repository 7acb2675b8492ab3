package io.orderkpi.core.imports;

import java.util.Locale;

/** Lifecycle of an {@link ImportRun}: queued → running → completed or failed. */
public enum ImportState {
    QUEUED, RUNNING, COMPLETED, FAILED;

    public boolean isFinished() {
        return this == COMPLETED || this == FAILED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
