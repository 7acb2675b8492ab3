package io.orderkpi.core.importer;

import io.orderkpi.core.OrderKpiException;

/** Thrown when the whole file is refused (nothing may be imported). */
public final class ImportRefusedException extends OrderKpiException {
    public ImportRefusedException(String message) {
        super(message);
    }
}
