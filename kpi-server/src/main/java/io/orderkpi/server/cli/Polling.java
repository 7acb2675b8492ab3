package io.orderkpi.server.cli;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a server-side job by asking for its status at a fixed, bounded interval. The API
 * has no push channel, and a job's status is cheap to read, so plain polling is the honest tool.
 */
final class Polling {

    private Polling() {
    }

    /** Whether a server job's state is final: {@code completed} or {@code failed} (backfills and imports alike). */
    static boolean isFinal(String state) {
        return state.equals("completed") || state.equals("failed");
    }

    /** Polls until {@code done} holds, then returns that status; a {@link CliException} with {@code timeoutMessage} after {@code timeout}. */
    static <T> T until(Duration timeout, Duration interval, Supplier<T> status, Predicate<T> done, String timeoutMessage)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T current = status.get();
            if (done.test(current)) {
                return current;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new CliException(timeoutMessage);
            }
            Thread.sleep(interval.toMillis());
        }
    }
}
