package io.orderkpi.core.imports;

/**
 * Row counts of an import. {@code rowsRead = imported + skippedExisting + rejected} once a
 * chunk is applied; blank lines are not rows.
 */
public record ImportCounters(long rowsRead, long imported, long skippedExisting, long rejected) {

    public static final ImportCounters ZERO = new ImportCounters(0, 0, 0, 0);

    public ImportCounters plus(ImportCounters other) {
        return new ImportCounters(rowsRead + other.rowsRead, imported + other.imported,
                skippedExisting + other.skippedExisting, rejected + other.rejected);
    }
}
