package io.orderkpi.core.importer;

import java.time.Instant;
import java.time.ZoneId;

/** Settings of one parse. */
public record ImportSettings(String currency, ZoneId zone, Instant defaultPlacedAt) {
}
