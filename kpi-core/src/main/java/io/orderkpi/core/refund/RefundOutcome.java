package io.orderkpi.core.refund;

import java.util.Objects;

/**
 * What a refund request led to. Immutable.
 *
 * @param refund  the refund as the call left it: just stored, processed, or the first refund of
 *                this refund_id
 * @param created whether this call stored the refund; {@code false} when the refund_id existed
 *                and the call changed nothing
 */
public record RefundOutcome(Refund refund, boolean created) {

    public RefundOutcome {
        Objects.requireNonNull(refund, "refund");
    }
}
