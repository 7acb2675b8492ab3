package io.orderkpi.core.imports;

import java.util.List;
import java.util.Objects;

/**
 * A CSV row the importer refused, with the record as it was in the file so that a user can fix
 * it and import it again (SPEC §3).
 *
 * @param line        1-based physical line where the record starts
 * @param orderNumber the row's order_number as written, empty when it had none
 * @param reason      why, naming the field
 * @param fields      the record's fields exactly as in the file (unquoted, not trimmed), or empty
 *                    when the row was not kept: it was over the row limit, or the caller had none.
 *                    A record read from a file always has at least one field, so empty is
 *                    never ambiguous.
 */
public record RejectedRow(long line, String orderNumber, String reason, List<String> fields) {

    public RejectedRow {
        Objects.requireNonNull(orderNumber, "orderNumber");
        Objects.requireNonNull(reason, "reason");
        fields = List.copyOf(fields);
    }

    /** A rejected row without its record. */
    public RejectedRow(long line, String orderNumber, String reason) {
        this(line, orderNumber, reason, List.of());
    }

    /** Whether the record itself was kept. */
    public boolean hasFields() {
        return !fields.isEmpty();
    }
}
