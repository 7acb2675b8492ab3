package io.orderkpi.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * Shows an import's progress: first the bytes sent, then the server's counters with a rate.
 * On a terminal one line is redrawn in place ({@code \r}); elsewhere a plain line is printed at
 * most every {@value #PLAIN_EVERY_MILLIS} ms. Called from the HTTP client's upload thread and
 * then the command's thread, never both at once; the synchronisation only publishes the fields.
 */
final class ImportProgress {

    static final long BAR_EVERY_MILLIS = 100;
    static final long PLAIN_EVERY_MILLIS = 2_000;
    static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier clock;
    private long lastPrint = Long.MIN_VALUE;
    private final long startedAt;
    private boolean drawn;

    ImportProgress(PrintWriter out, boolean terminal, LongSupplier millisClock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = millisClock;
        // Rows are read while the file is still uploading, so the rate counts from the start.
        this.startedAt = millisClock.getAsLong();
    }

    static final String PAUSED = " - waiting: the orders-import queue is paused"
            + " (./orderkpi queue continue orders-import)";

    static ImportProgress forOutput(PrintWriter out, boolean terminal) {
        return new ImportProgress(out, terminal, () -> System.nanoTime() / 1_000_000);
    }

    synchronized void uploaded(long sent, long total) {
        if (due(sent >= total)) {
            show("Uploading " + bar(sent, total) + " " + percent(sent, total) + "% (" + bytes(sent) + " of " + bytes(total)
                    + ")");
        }
    }

    synchronized void uploadDone(String importId) {
        show("Uploaded; import " + importId + " started");
        if (!terminal) {
            lastPrint = Long.MIN_VALUE;
        }
    }

    /** @param queuePaused the orders-import queue is paused, so the import waits for it */
    synchronized void status(JsonNode status, boolean queuePaused) {
        long now = clock.getAsLong();
        boolean last = Polling.isFinal(status.path("state").asText());
        if (due(last)) {
            show(counters(status, rowsPerSecond(status.path("rows_read").asLong(), now - startedAt))
                    + (queuePaused ? PAUSED : ""));
        }
    }

    synchronized void finished() {
        if (terminal && drawn) {
            out.println();
        }
        out.flush();
    }

    private boolean due(boolean force) {
        long now = clock.getAsLong();
        long every = terminal ? BAR_EVERY_MILLIS : PLAIN_EVERY_MILLIS;
        if (force || lastPrint == Long.MIN_VALUE || now - lastPrint >= every) {
            lastPrint = now;
            return true;
        }
        return false;
    }

    private void show(String line) {
        if (terminal) {
            // Pad so a shorter line fully covers the previous one.
            out.print("\r" + String.format("%-100s", line));
            drawn = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    static long rowsPerSecond(long rows, long elapsedMillis) {
        return elapsedMillis <= 0 ? 0 : rows * 1000 / elapsedMillis;
    }

    /** {@code running: 12000 rows read (2500 rows/s), 11900 imported, 50 skipped, 50 rejected}. */
    static String counters(JsonNode status, long rowsPerSecond) {
        return status.path("state").asText() + ": " + status.path("rows_read").asLong() + " rows read ("
                + rowsPerSecond + " rows/s), " + status.path("imported").asLong() + " imported, "
                + status.path("skipped_existing").asLong() + " skipped, " + status.path("rejected").asLong() + " rejected";
    }

    /** {@code [###########-------------------]}. */
    static String bar(long done, long total) {
        int filled = total <= 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
        return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
    }

    static long percent(long done, long total) {
        return total <= 0 ? 100 : Math.min(100, done * 100 / total);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024.0));
    }
}
