package io.orderkpi.server.http;

import com.sun.net.httpserver.HttpExchange;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts off clients that send nothing: one scheduled task looks at every exchange being served and
 * closes the one whose body read has waited longer than the idle timeout, which unblocks its
 * thread with an I/O error. The JDK's own timeouts ({@code sun.net.httpserver.*}) are JVM-wide
 * system properties that would also cut long uploads and change an embedding application's
 * servers, hence this per-exchange check, which only counts time spent waiting for the client.
 */
final class Watchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    private final long idleNanos;
    private final Set<Entry> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;

    private record Entry(HttpExchange exchange, WatchedInputStream body, String requestId) {
    }

    Watchdog(Duration idle) {
        this.idleNanos = idle.toNanos();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "okpi-http-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        // Checks four times per timeout: a client is cut off between 1 and 1.25 timeouts.
        long period = Math.max(idle.toMillis() / 4, 50);
        scheduler.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** Watches an exchange until the returned handle is closed. */
    AutoCloseable watch(HttpExchange exchange, WatchedInputStream body, String requestId) {
        Entry entry = new Entry(exchange, body, requestId);
        watched.add(entry);
        return () -> watched.remove(entry);
    }

    private void check() {
        long now = System.nanoTime();
        for (Entry entry : watched) {
            long since = entry.body().waitingSince();
            if (since != 0 && now - since > idleNanos) {
                watched.remove(entry);
                LOG.info("Closing request {}: the client sent nothing for {} ms", entry.requestId(),
                        TimeUnit.NANOSECONDS.toMillis(idleNanos));
                try {
                    // No response is started while the body is read, so this closes the connection.
                    entry.exchange().close();
                } catch (RuntimeException e) {
                    LOG.debug("Closing idle request {} failed", entry.requestId(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
