package io.orderkpi.examples;

import io.orderkpi.core.order.Money;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample's rows, read with a minimal RFC 4180 reader of the test's own, so the facts the
 * tests derive from the file (orders per day, imported refunds) do not depend on the importer
 * they check.
 */
record SampleRows(List<Map<String, String>> rows) {

    static SampleRows read(Path csv) throws IOException {
        List<List<String>> records = parse(Files.readString(csv, StandardCharsets.UTF_8));
        List<String> header = records.get(0);
        List<Map<String, String>> rows = new ArrayList<>();
        for (List<String> record : records.subList(1, records.size())) {
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), i < record.size() ? record.get(i) : "");
            }
            rows.add(row);
        }
        return new SampleRows(rows);
    }

    List<Map<String, String>> placedOn(LocalDate day) {
        return rows.stream().filter(row -> LocalDate.ofInstant(Instant.parse(row.get("placed_at")), ZoneOffset.UTC)
                .equals(day)).toList();
    }

    /** Sum of {@code total_amount} of the rows with this status. */
    static Money total(List<Map<String, String>> rows, String status) {
        return rows.stream().filter(row -> row.get("status").equals(status))
                .map(row -> Money.parse(row.get("total_amount"))).reduce(Money.ZERO, Money::plus);
    }

    /** Quoted fields with doubled quotes, commas and line breaks inside; LF or CRLF between records. */
    private static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (field.length() > 0 || !record.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }
}
