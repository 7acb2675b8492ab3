package io.orderkpi.core.importer;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;

/**
 * The settings of one CSV parse. Immutable and thread-safe.
 *
 * @param currency        the reporting currency, a 3-letter ISO 4217 code; stored upper-case
 *                        ({@code "usd"} becomes {@code "USD"}). Rows in another currency are rejected.
 * @param zone            the zone of {@code placed_at} values written without an offset
 *                        ({@code ORDERKPI_TIMEZONE})
 * @param defaultPlacedAt the {@code placed_at} of rows that have none: the instant the import started,
 *                        kept with the import so that resumed chunks agree
 */
public record ImportSettings(String currency, ZoneId zone, Instant defaultPlacedAt) {

    public ImportSettings {
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(defaultPlacedAt, "defaultPlacedAt");
        if (!isCurrencyCode(currency)) {
            throw new IllegalArgumentException(
                    "currency must be a 3-letter ISO 4217 code such as USD: '" + currency + "'");
        }
        currency = currency.toUpperCase(Locale.ROOT);
    }

    /** Whether the text is three ASCII letters, in any case. */
    static boolean isCurrencyCode(String text) {
        if (text.length() != 3) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                return false;
            }
        }
        return true;
    }
}
