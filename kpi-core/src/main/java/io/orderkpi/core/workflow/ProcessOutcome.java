package io.orderkpi.core.workflow;

/** How a call to {@link OrderWorkflow#process} ended. */
public enum ProcessOutcome {
    /** The order reached {@code completed} in this call. */
    COMPLETED,
    /** A business failure (no stock, payment declined) cancelled the order in this call. */
    CANCELLED,
    /** The order was already final; nothing was done (HTTP answers 409). */
    ALREADY_FINAL,
    /** Another worker moved the order first; this call stopped and changed nothing more. */
    LOST_RACE
}
