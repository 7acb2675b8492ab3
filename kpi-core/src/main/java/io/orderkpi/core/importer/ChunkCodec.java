package io.orderkpi.core.importer;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.orderkpi.core.imports.ImportChunk;
import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.OrderItem;
import io.orderkpi.core.order.OrderStatus;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an {@link ImportChunk} into the text payload of a chunk job and back, so a chunk can be
 * applied on any node without the file. The payload is CSV (FastCSV quotes names with commas,
 * quotes or newlines) with already-validated, normalised values: amounts in cents, instants in
 * ISO-8601. Kept in core so that no JSON library is needed here.
 */
final class ChunkCodec {

    private static final String HEAD = "C";
    private static final String ORDER = "O";
    private static final String REJECTED = "R";
    private static final int ITEM_FIELDS = 5;
    private static final int ORDER_FIXED_FIELDS = 11;
    private static final int REJECTED_FIXED_FIELDS = 4;

    private ChunkCodec() {
    }

    static String encode(ImportChunk chunk) {
        StringWriter out = new StringWriter(256 + chunk.orders().size() * 256);
        try (CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(out)) {
            csv.writeRecord(HEAD, chunk.importId(), Long.toString(chunk.index()), Long.toString(chunk.startLine()),
                    Long.toString(chunk.rowsRead()), chunk.last() ? "1" : "0");
            List<String> fields = new ArrayList<>();
            for (ImportChunk.Row row : chunk.orders()) {
                NewOrder order = row.order();
                fields.clear();
                fields.add(ORDER);
                fields.add(Long.toString(row.line()));
                fields.add(order.orderNumber());
                fields.add(order.customerId());
                fields.add(order.customerName());
                fields.add(order.customerEmail());
                fields.add(order.status().wireName());
                fields.add(Long.toString(order.totalAmount().cents()));
                fields.add(order.currency());
                fields.add(order.placedAt().toString());
                fields.add(Integer.toString(order.items().size()));
                for (OrderItem item : order.items()) {
                    fields.add(item.productId());
                    fields.add(item.productName());
                    fields.add(item.sku());
                    fields.add(Integer.toString(item.quantity()));
                    fields.add(Long.toString(item.unitPrice().cents()));
                }
                csv.writeRecord(fields);
            }
            for (RejectedRow rejected : chunk.rejected()) {
                // The record's own fields follow the reason; a row without them ends there.
                fields.clear();
                fields.add(REJECTED);
                fields.add(Long.toString(rejected.line()));
                fields.add(rejected.orderNumber());
                fields.add(rejected.reason());
                fields.addAll(rejected.fields());
                csv.writeRecord(fields);
            }
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * @throws IllegalArgumentException when the payload is not an encoded chunk
     */
    static ImportChunk decode(String payload) {
        try (CsvReader<CsvRecord> reader = CsvReader.builder().allowExtraFields(true).allowMissingFields(true)
                .ofCsvRecord(payload)) {
            var records = reader.iterator();
            if (!records.hasNext()) {
                throw new IllegalArgumentException("empty chunk payload");
            }
            CsvRecord head = records.next();
            if (!HEAD.equals(head.getField(0)) || head.getFieldCount() != 6) {
                throw new IllegalArgumentException("chunk payload does not start with a chunk header");
            }
            List<ImportChunk.Row> orders = new ArrayList<>();
            List<RejectedRow> rejected = new ArrayList<>();
            while (records.hasNext()) {
                CsvRecord record = records.next();
                switch (record.getField(0)) {
                    case ORDER -> orders.add(decodeOrder(record));
                    case REJECTED -> rejected.add(decodeRejected(record));
                    default -> throw new IllegalArgumentException("unknown chunk record " + record.getField(0));
                }
            }
            return new ImportChunk(head.getField(1), Long.parseLong(head.getField(2)), Long.parseLong(head.getField(3)),
                    Long.parseLong(head.getField(4)), orders, rejected, "1".equals(head.getField(5)));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RejectedRow decodeRejected(CsvRecord r) {
        if (r.getFieldCount() < REJECTED_FIXED_FIELDS) {
            throw new IllegalArgumentException("rejected record has " + r.getFieldCount() + " fields");
        }
        List<String> fields = r.getFields();
        return new RejectedRow(Long.parseLong(r.getField(1)), r.getField(2), r.getField(3),
                fields.subList(REJECTED_FIXED_FIELDS, fields.size()));
    }

    private static ImportChunk.Row decodeOrder(CsvRecord r) {
        int itemCount = Integer.parseInt(r.getField(10));
        if (r.getFieldCount() != ORDER_FIXED_FIELDS + itemCount * ITEM_FIELDS) {
            throw new IllegalArgumentException("order record of line " + r.getField(1) + " has "
                    + r.getFieldCount() + " fields");
        }
        List<OrderItem> items = new ArrayList<>(itemCount);
        for (int i = 0; i < itemCount; i++) {
            int at = ORDER_FIXED_FIELDS + i * ITEM_FIELDS;
            items.add(new OrderItem(r.getField(at), r.getField(at + 1), r.getField(at + 2),
                    Integer.parseInt(r.getField(at + 3)), Money.ofCents(Long.parseLong(r.getField(at + 4)))));
        }
        OrderStatus status = OrderStatus.fromWireName(r.getField(6))
                .orElseThrow(() -> new IllegalArgumentException("unknown status " + r.getField(6)));
        NewOrder order = new NewOrder(r.getField(2), r.getField(3), r.getField(4), r.getField(5), status,
                Money.ofCents(Long.parseLong(r.getField(7))), r.getField(8), items, Instant.parse(r.getField(9)));
        return new ImportChunk.Row(Long.parseLong(r.getField(1)), order);
    }
}
