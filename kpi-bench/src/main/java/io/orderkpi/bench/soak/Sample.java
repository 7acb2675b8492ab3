package io.orderkpi.bench.soak;

import java.time.Duration;

/**
 * What the server held at one moment of the soak.
 *
 * @param at            time since the traffic started
 * @param heapAfterGc   heap in use right after a full collection, bytes
 * @param threads       live threads of the server's JVM
 * @param dbConnections connections open to the soak's database
 */
record Sample(Duration at, long heapAfterGc, int threads, int dbConnections) {
}
