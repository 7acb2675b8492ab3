package io.orderkpi.core.workflow;

import io.orderkpi.core.order.Order;
import java.util.Objects;

/**
 * The result of {@link OrderWorkflow#process}.
 *
 * @param order the order as this call last saw it
 */
public record ProcessResult(Order order, ProcessOutcome outcome) {

    public ProcessResult {
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(outcome, "outcome");
    }
}
