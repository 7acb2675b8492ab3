package io.orderkpi.core;

/**
 * What one run of the history retention removed (see {@link OrderKpi#purgeHistory()}). Failed
 * jobs are not counted: the {@link io.orderkpi.core.spi.JobQueue} SPI has no purge by age yet.
 *
 * @param events        outbox events delivered to every subscriber
 * @param notifications sent or failed notifications
 * @param imports       completed or failed imports, with their rejected rows
 */
public record PurgeReport(int events, int notifications, int imports) {

    /** Nothing removed: what a retention of zero (keep forever) reports. */
    public static final PurgeReport NONE = new PurgeReport(0, 0, 0);
}
