package io.orderkpi.core.importer;

import io.orderkpi.core.order.NewOrder;

/** One data record of the file: valid (an order) or rejected. */
public sealed interface ParsedRow permits ParsedRow.Valid, ParsedRow.Rejected {

    long line();

    record Valid(long line, NewOrder order) implements ParsedRow {
    }

    record Rejected(RejectedRow row) implements ParsedRow {
        @Override
        public long line() {
            return row.line();
        }
    }
}
