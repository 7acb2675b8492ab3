package io.orderkpi.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request ({@code <request id> <method> <path> <status> <ms>ms}), written by one
 * background thread so that a request never waits for the log's lock or its flush (on a busy
 * keep-alive connection that wait cost more than serving the request). Lines wait in a bounded
 * queue; when it is full a line is dropped and counted, and the count is logged once there is
 * room again, so a slow log can never slow the API or grow the heap. Thread-safe.
 */
final class AccessLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(16_384);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    AccessLog() {
        this.writer = new Thread(this::drain, "okpi-http-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Whether lines are logged at all (the logger's level); callers skip building them otherwise. */
    boolean enabled() {
        return LOG.isInfoEnabled();
    }

    void log(String line) {
        if (!lines.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    private void drain() {
        List<String> batch = new ArrayList<>(256);
        while (!closed || !lines.isEmpty()) {
            try {
                String first = lines.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                lines.drainTo(batch, 255);
                for (String line : batch) {
                    LOG.info(line);
                }
                batch.clear();
                long lost = dropped.getAndSet(0);
                if (lost > 0) {
                    LOG.warn("{} access log lines were dropped: the log could not keep up", lost);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Writes what is queued (for at most a second), then stops. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
