package io.orderkpi.core.importer;

import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.order.NewOrder;
import java.util.Objects;

/**
 * One data record of an order CSV, as {@link CsvOrderReader} returns it: either a valid order or a
 * rejected row. Blank lines are not records and never become a {@code ParsedRow}.
 */
public sealed interface ParsedRow permits ParsedRow.Valid, ParsedRow.Rejected {

    /** The 1-based physical line where the record starts (a quoted newline shifts the next ones). */
    long line();

    /**
     * A row that passed every check.
     *
     * @param line  1-based physical line where the record starts
     * @param order the order it describes; duplicates of an earlier order_number are still valid
     *              here, the record store skips them
     */
    record Valid(long line, NewOrder order) implements ParsedRow {

        public Valid {
            Objects.requireNonNull(order, "order");
        }
    }

    /**
     * A row that failed a check; the first problem found is its reason.
     *
     * @param row line, order_number and {@code "<field>: <reason>"}
     */
    record Rejected(RejectedRow row) implements ParsedRow {

        public Rejected {
            Objects.requireNonNull(row, "row");
        }

        @Override
        public long line() {
            return row.line();
        }
    }
}
