package io.orderkpi.redis;

import io.orderkpi.core.lang.StoreUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Redis server's time, as a {@link Clock}: what {@link RedisJobStore} measures leases and due
 * times with by default, so processes whose own clocks disagree still agree on when a lease ends.
 * The offset to the local clock is read with {@code TIME} on first use and again every ten
 * seconds on use; between reads time advances with the local clock. While Redis cannot be
 * reached the last offset stays (zero before the first read), since the store's calls fail then
 * anyway. Thread-safe.
 */
final class RedisServerClock extends Clock {

    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final RedisLink link;
    private volatile long offsetMillis;
    private volatile long readAtNanos;
    private volatile boolean read;

    RedisServerClock(RedisLink link) {
        this.link = link;
    }

    @Override
    public long millis() {
        long nanos = System.nanoTime();
        if (!read || nanos - readAtNanos > REFRESH_NANOS) {
            refresh(nanos);
        }
        return System.currentTimeMillis() + offsetMillis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("The Redis server clock is in UTC");
    }

    private void refresh(long nanos) {
        try {
            long before = System.currentTimeMillis();
            List<String> time = link.await(link.commands().time(), "read the server time");
            long after = System.currentTimeMillis();
            long server = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
            // The reply was taken about half-way through the round trip.
            offsetMillis = server - (before + after) / 2;
            read = true;
        } catch (StoreUnavailableException | IllegalStateException e) {
            // Keep the last offset; the store's own call reports the outage.
        }
        readAtNanos = nanos;
    }
}
