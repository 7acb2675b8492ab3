package io.orderkpi.core;

/**
 * What the start-up sweep queued again.
 *
 * @param orders        orders found in an intermediate status
 * @param imports       unfinished imports resumed
 * @param refunds       pending or processing refunds
 * @param notifications pending notifications
 */
public record SweepReport(int orders, int imports, int refunds, int notifications) {
}
