package io.orderkpi.server.http;

import io.orderkpi.server.ServerConfig;
import java.util.concurrent.TimeUnit;

/**
 * How long and how slowly a client may send (see {@link ClientInput}), and how many connections
 * are served at once. Immutable.
 *
 * @param idleMillis        longest silence: between requests, and inside a head or a body
 * @param headNanos         a request's head must be complete this long after its first byte
 * @param graceNanos        a body's first stretch, during which its rate is not checked
 * @param minBytesPerSecond a body's lowest accepted average rate once the grace is over
 * @param maxConnections    connections served at once; one more is answered 503 and closed
 */
record HttpLimits(int idleMillis, long headNanos, long graceNanos, long minBytesPerSecond, int maxConnections) {

    static HttpLimits of(ServerConfig config) {
        return new HttpLimits((int) config.httpIdleTimeout().toMillis(), config.httpHeadTimeout().toNanos(),
                TimeUnit.SECONDS.toNanos(5), config.httpMinBytesPerSecond(), config.httpMaxConnections());
    }
}
