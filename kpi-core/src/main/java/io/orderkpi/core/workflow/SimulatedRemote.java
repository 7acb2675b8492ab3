package io.orderkpi.core.workflow;

import io.orderkpi.core.spi.GatewayUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the simulated gateways share about being remote: a latency per call and a switch that
 * makes the next calls fail as an outage would. Thread-safe.
 */
final class SimulatedRemote {

    private final String service;
    private final long latencyNanos;
    private final AtomicInteger failuresLeft = new AtomicInteger();

    SimulatedRemote(String service, Duration latency) {
        this.service = service;
        this.latencyNanos = latency.toNanos();
    }

    /**
     * Starts one remote call: waits the latency, then throws if an outage is switched on. Called
     * before any state changes, so a failed call leaves nothing behind and can be repeated.
     */
    void enter() {
        pause();
        // A plain read first: the hot path never writes to the shared counter.
        if (failuresLeft.get() > 0 && failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            throw new GatewayUnavailableException(service + " unavailable: simulated outage (failNextCalls)");
        }
    }

    void failNextCalls(int calls) {
        if (calls < 0) {
            throw new IllegalArgumentException("calls must not be negative: " + calls);
        }
        failuresLeft.set(calls);
    }

    private void pause() {
        // Loop to a deadline: sleep may wake early, and a call must take at least the latency.
        long deadline = System.nanoTime() + latencyNanos;
        for (long left = latencyNanos; left > 0; left = deadline - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GatewayUnavailableException(service + " call interrupted", e);
            }
        }
    }

    static Duration checkLatency(Duration latency) {
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        return latency;
    }

    static double checkProbability(String name, double probability) {
        // Written so that NaN fails too.
        if (!(probability >= 0.0 && probability <= 1.0)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1: " + probability);
        }
        return probability;
    }
}
