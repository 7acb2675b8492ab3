package io.orderkpi.core.analytics;

import io.orderkpi.core.lang.OrderKpiException;

/**
 * The KPI store was computed in another time zone than the one configured now: its days would
 * mean something else. Refused until a forced backfill rebuilds the days in the new zone.
 */
public final class KpiZoneMismatchException extends OrderKpiException {

    public KpiZoneMismatchException(String stored, String configured) {
        super("The KPI data was computed in zone " + stored + " but the configured zone is " + configured
                + "; rebuild it with a forced backfill (analytics backfill --force) or configure " + stored);
    }
}
