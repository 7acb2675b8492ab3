package io.orderkpi.core.imports;

import java.util.Objects;

/**
 * A CSV row the importer refused.
 *
 * @param line        1-based physical line where the record starts
 * @param orderNumber the row's order_number as written, empty when it had none
 * @param reason      why, naming the field
 */
public record RejectedRow(long line, String orderNumber, String reason) {

    public RejectedRow {
        Objects.requireNonNull(orderNumber, "orderNumber");
        Objects.requireNonNull(reason, "reason");
    }
}
