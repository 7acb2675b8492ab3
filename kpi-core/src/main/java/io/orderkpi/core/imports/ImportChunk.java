package io.orderkpi.core.imports;

import io.orderkpi.core.order.NewOrder;
import java.util.List;
import java.util.Objects;

/**
 * One chunk of an import, parsed and validated, as a chunk job carries it: it can be applied on
 * any node without the file.
 *
 * @param index     0-based position in the file; chunks are applied in this order
 * @param startLine physical line where the chunk's first record starts
 * @param rowsRead  records in the chunk (valid and rejected; blank lines are not records)
 * @param orders    valid rows in file order
 * @param rejected  rejected rows in file order
 * @param last      whether no record follows this chunk
 */
public record ImportChunk(String importId, long index, long startLine, long rowsRead, List<Row> orders,
        List<RejectedRow> rejected, boolean last) {

    public ImportChunk {
        Objects.requireNonNull(importId, "importId");
        orders = List.copyOf(orders);
        rejected = List.copyOf(rejected);
        if (rowsRead != orders.size() + rejected.size()) {
            throw new IllegalArgumentException("rowsRead " + rowsRead + " != " + orders.size() + " valid + "
                    + rejected.size() + " rejected");
        }
    }

    /** A valid row and the physical line where it starts. */
    public record Row(long line, NewOrder order) {

        public Row {
            Objects.requireNonNull(order, "order");
        }
    }
}
