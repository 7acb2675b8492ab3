package io.orderkpi.core.importer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-data builder of a one-row order CSV: a valid row by default, changed one column at a time.
 * A column named in {@link #with} that the header lacks is appended to the header.
 */
final class OrderCsvRow {

    private final Map<String, String> values = new LinkedHashMap<>();

    private OrderCsvRow() {
        values.put("order_number", "ORD-1");
        values.put("customer_id", "CUST-1");
        values.put("customer_name", "Jane Doe");
        values.put("customer_email", "jane@example.com");
        values.put("status", "pending");
        values.put("total_amount", "25.50");
        values.put("currency", "USD");
        values.put("placed_at", "2025-05-01T10:00:00Z");
        values.put("item1_product_id", "P-1");
        values.put("item1_product_name", "Mug");
        values.put("item1_sku", "SKU-1");
        values.put("item1_quantity", "2");
        values.put("item1_unit_price", "12.75");
    }

    /** A valid row: ORD-1 of CUST-1, pending, 25.50 USD, two mugs at 12.75. */
    static OrderCsvRow aRow() {
        return new OrderCsvRow();
    }

    OrderCsvRow with(String column, String value) {
        values.put(column, value);
        return this;
    }

    /** Drops the column from header and row. */
    OrderCsvRow without(String column) {
        values.remove(column);
        return this;
    }

    /** Sets the five columns of item group {@code n}. */
    OrderCsvRow withItem(int n, String productId, String name, String sku, String quantity, String unitPrice) {
        return with("item" + n + "_product_id", productId).with("item" + n + "_product_name", name)
                .with("item" + n + "_sku", sku).with("item" + n + "_quantity", quantity)
                .with("item" + n + "_unit_price", unitPrice);
    }

    String header() {
        return line(new ArrayList<>(values.keySet()));
    }

    String line() {
        return line(new ArrayList<>(values.values()));
    }

    /** Header, the row, and a final newline. */
    String csv() {
        return header() + "\n" + line() + "\n";
    }

    /** RFC 4180: quote a field that holds a separator, a quote or a line break. */
    static String line(List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            String field = fields.get(i);
            if (i > 0) {
                line.append(',');
            }
            if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
                line.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                line.append(field);
            }
        }
        return line.toString();
    }
}
