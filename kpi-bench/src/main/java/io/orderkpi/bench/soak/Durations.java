package io.orderkpi.bench.soak;

import java.time.Duration;
import java.util.Locale;

/** Durations and sizes as a person reads them in the soak's output. */
final class Durations {

    private Durations() {
    }

    static String text(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 120 && seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    /** KiB below a MiB, so that small keys do not all read 0.0. */
    static String size(long bytes) {
        return bytes < 1 << 20 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0) : mib(bytes);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0);
    }
}
