package io.orderkpi.server.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The request body as handlers see it: counts bytes against the limit (a 413 once past it) and
 * tells the {@link Watchdog} since when a read has been waiting for the client, so an idle client
 * is cut off without a JVM-wide socket timeout.
 */
final class WatchedInputStream extends FilterInputStream {

    private final long limit;
    private long count;
    /** {@link System#nanoTime()} when the pending read started; 0 when no read is pending. */
    private volatile long waitingSince;

    WatchedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    long waitingSince() {
        return waitingSince;
    }

    @Override
    public int read() throws IOException {
        waitingSince = System.nanoTime();
        try {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        } finally {
            waitingSince = 0;
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        waitingSince = System.nanoTime();
        try {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        } finally {
            waitingSince = 0;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        // Through read(), so that skipped bytes count against the limit too.
        byte[] scratch = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n) {
            int read = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void counted(int n) throws BodyTooLargeException {
        count += n;
        if (count > limit) {
            throw new BodyTooLargeException(limit);
        }
    }
}
