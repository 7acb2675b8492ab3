package io.orderkpi.core.importer;

import io.orderkpi.core.lang.OrderKpiException;

/**
 * The whole file is refused and nothing of it may be imported: it is empty, has no header with
 * the required columns, is not UTF-8, or is not CSV that can be read to its end. The message says
 * which and what to fix; HTTP answers it with 400, the CLI with exit code 1.
 */
public final class ImportRefusedException extends OrderKpiException {

    public ImportRefusedException(String message) {
        super(message);
    }
}
