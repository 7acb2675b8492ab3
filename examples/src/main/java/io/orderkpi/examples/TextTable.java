package io.orderkpi.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table in the style of the seed application's console output (a Symfony console
 * table): a boxed header row, then the rows, every cell left-aligned.
 */
final class TextTable {

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... headers) {
        this.headers = List.of(headers);
    }

    /** Adds a row; each cell is printed with {@link String#valueOf(Object)}. */
    TextTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("A row of " + headers + " needs " + headers.size() + " cells: "
                    + Arrays.toString(cells));
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toList());
        return this;
    }

    void print(PrintStream out) {
        int[] widths = new int[headers.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = width(headers.get(column));
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], width(row.get(column)));
            }
        }
        String rule = rule(widths);
        out.println(rule);
        out.println(line(headers, widths));
        out.println(rule);
        for (List<String> row : rows) {
            out.println(line(row, widths));
        }
        out.println(rule);
    }

    private static String rule(int[] widths) {
        StringBuilder text = new StringBuilder("+");
        for (int width : widths) {
            text.append("-".repeat(width + 2)).append('+');
        }
        return text.toString();
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder text = new StringBuilder("|");
        for (int column = 0; column < widths.length; column++) {
            String cell = cells.get(column);
            text.append(' ').append(cell).append(" ".repeat(widths[column] - width(cell))).append(" |");
        }
        return text.toString();
    }

    /** Code points, not UTF-16 units, so a name outside the BMP does not shift the columns. */
    private static int width(String cell) {
        return cell.codePointCount(0, cell.length());
    }
}
