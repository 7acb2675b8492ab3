package io.orderkpi.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the list commands share: GET a list route with the filters the user gave, then print the
 * answer as one "No … found." line, or a "Found N …" line and a table. A command then only
 * declares its options, its route and its {@link Column}s.
 */
final class Listing {

    private Listing() {
    }

    /** One table column: its header and how one element of the list shows in it. */
    record Column(String header, Function<JsonNode, String> cell) {

        /** The element's {@code field} as text ({@code -} when missing). */
        static Column text(String header, String field) {
            return new Column(header, element -> Tables.text(element.get(field)));
        }

        /** The element's {@code field} as money ({@code -} when missing). */
        static Column money(String header, String field) {
            return new Column(header, element -> Tables.money(element.get(field)));
        }
    }

    /** GETs {@code path} with the given filters ({@code null} ones left out) and returns the answer's data. */
    static JsonNode get(ServerOptions server, String path, Map<String, ?> filters) {
        return server.client().get(ApiClient.path(path, filters)).data();
    }

    /**
     * Prints {@code none} when there are no elements; else "Found N " + {@code found} and the table.
     *
     * @param found what follows the count, e.g. {@code "refund(s):"}
     * @return whether there were any elements (callers add a hint below the table)
     */
    static boolean print(PrintWriter out, List<JsonNode> elements, String none, String found, List<Column> columns) {
        if (elements.isEmpty()) {
            out.println(none);
            return false;
        }
        out.println("Found " + elements.size() + " " + found);
        table(out, elements, columns);
        return true;
    }

    /** Prints the elements as a table, one row each. */
    static void table(PrintWriter out, List<JsonNode> elements, List<Column> columns) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode element : elements) {
            rows.add(columns.stream().map(column -> column.cell().apply(element)).toList());
        }
        Tables.print(out, columns.stream().map(Column::header).toList(), rows);
    }
}
