package io.orderkpi.core.queue;

import io.orderkpi.core.lang.OrderKpiException;

/**
 * Thrown when a job is enqueued through a worker engine that is shutting down or shut down. The
 * job was not stored; work that must not be lost is found again by the start-up sweep of the
 * next process (SPEC §8).
 */
public class QueueClosedException extends OrderKpiException {

    public QueueClosedException(String message) {
        super(message);
    }
}
