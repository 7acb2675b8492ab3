package io.orderkpi.core;

/**
 * What one run of the history retention removed (see {@link OrderKpi#purgeHistory()}).
 *
 * @param events        outbox events delivered to every subscriber
 * @param notifications sent or failed notifications
 * @param imports       completed or failed imports, with their rejected rows
 * @param failedJobs    jobs of the failed list that failed before the cutoff
 */
public record PurgeReport(int events, int notifications, int imports, int failedJobs) {

    /** Nothing removed: what a retention of zero (keep forever) reports. */
    public static final PurgeReport NONE = new PurgeReport(0, 0, 0, 0);
}
