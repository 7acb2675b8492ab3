package io.orderkpi.core.importer;

import io.orderkpi.core.order.NewOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Validates one order given as named CSV fields (the HTTP API's {@code POST /api/v1/orders}) with
 * exactly the rules, order of checks and reasons of a CSV row (SPEC §3), so an order is accepted
 * or refused the same way whichever door it comes through. Thread-safe (stateless).
 */
public final class OrderValidation {

    private static final List<String> REQUIRED = List.of("order_number", "customer_id", "total_amount",
            "item1_product_id", "item1_quantity", "item1_unit_price");

    private OrderValidation() {
    }

    /**
     * Validates one row.
     *
     * @param fields   values by CSV column name ({@code order_number}, {@code item1_sku}, ...; case
     *                 ignored, unknown names ignored); a missing or {@code null} value is empty
     * @param settings reporting currency, zone of local times, the default {@code placed_at}
     * @return the order the row describes
     * @throws IllegalArgumentException with the row's reason, naming the field
     *         ({@code "total_amount: must be greater than 0"})
     */
    public static NewOrder validate(Map<String, String> fields, ImportSettings settings) {
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(settings, "settings");
        List<String> header = new ArrayList<>();
        List<String> values = new ArrayList<>();
        fields.forEach((name, value) -> {
            header.add(name);
            values.add(value == null ? "" : value);
        });
        // A missing required field is a row's "required" reason, not a refused file.
        for (String name : REQUIRED) {
            if (header.stream().noneMatch(h -> h.strip().toLowerCase(Locale.ROOT).equals(name))) {
                header.add(name);
                values.add("");
            }
        }
        CsvColumns columns;
        try {
            columns = CsvColumns.of(header);
        } catch (ImportRefusedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        RecordCollector record = new RecordCollector();
        record.useColumns(columns);
        record.beginRecord(1);
        for (String value : values) {
            char[] chars = value.toCharArray();
            record.addField(chars, 0, chars.length, true);
        }
        ParsedRow row = new OrderRowValidator(columns, settings).validate(record);
        if (row instanceof ParsedRow.Rejected rejected) {
            throw new IllegalArgumentException(rejected.row().reason());
        }
        return ((ParsedRow.Valid) row).order();
    }
}
