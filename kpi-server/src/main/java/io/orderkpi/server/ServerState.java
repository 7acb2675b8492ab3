package io.orderkpi.server;

/**
 * Whether the server takes work: readiness turns false as soon as shutdown starts, so that a load
 * balancer stops sending requests before the workers stop. Thread-safe.
 */
public final class ServerState {

    private volatile boolean stopping;

    public boolean stopping() {
        return stopping;
    }

    void markStopping() {
        stopping = true;
    }
}
