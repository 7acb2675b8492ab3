package io.orderkpi.core.importer;

import io.orderkpi.core.imports.ImportRun;

/**
 * The answer to a submitted file.
 *
 * @param run             the import that handles it
 * @param alreadyImported true when a file with the same SHA-256 had been imported and {@code run}
 *                        is that earlier import; nothing new happens
 */
public record ImportSubmission(ImportRun run, boolean alreadyImported) {
}
