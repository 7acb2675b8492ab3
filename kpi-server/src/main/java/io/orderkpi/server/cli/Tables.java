package io.orderkpi.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Seed-style boxed tables (as Laravel's {@code $this->table()} prints them) and the value
 * formats the tables use. Money is formatted from {@link BigDecimal}, never a double.
 */
final class Tables {

    private Tables() {
    }

    /** Prints a table: a header row and the rows, every cell left-aligned in its column. */
    static void print(PrintWriter out, List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length && i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
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
        StringBuilder b = new StringBuilder("+");
        for (int width : widths) {
            b.append("-".repeat(width + 2)).append('+');
        }
        return b.toString();
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < widths.length; i++) {
            String cell = i < cells.size() ? cells.get(i) : "";
            b.append(' ').append(cell).append(" ".repeat(widths[i] - cell.length())).append(" |");
        }
        return b.toString();
    }

    /** {@code $1,234.50}; {@code -$5.00} for a negative amount. */
    static String money(BigDecimal amount) {
        // DecimalFormat is not thread-safe, so one per call; it formats a BigDecimal exactly.
        DecimalFormat format = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.ROOT));
        format.setRoundingMode(RoundingMode.HALF_UP);
        String text = format.format(amount.abs());
        return (amount.signum() < 0 ? "-$" : "$") + text;
    }

    /** A JSON number as money; a missing or null value shows as {@code -}. */
    static String money(JsonNode node) {
        return isNumber(node) ? money(node.decimalValue()) : "-";
    }

    /** Money in the reporting currency: {@code $1,234.50} for USD, else {@code 1,234.50 EUR}. */
    static String amount(JsonNode amount, JsonNode currency) {
        String code = currency == null || currency.isNull() ? "USD" : currency.asText();
        if (!isNumber(amount)) {
            return "-";
        }
        return code.equalsIgnoreCase("USD") ? money(amount.decimalValue())
                : money(amount.decimalValue()).replace("$", "") + " " + code;
    }

    /** {@code 94.40%} from a percentage number. */
    static String percent(JsonNode node) {
        return isNumber(node) ? node.decimalValue().setScale(2, RoundingMode.HALF_UP).toPlainString() + "%" : "-";
    }

    /** A JSON value as text; {@code -} for missing or null. */
    static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "-";
        }
        return node.isBigDecimal() ? node.decimalValue().toPlainString() : node.asText();
    }

    /** The elements of a JSON array (none for anything else). */
    static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(list::add);
        }
        return list;
    }

    private static boolean isNumber(JsonNode node) {
        return node != null && node.isNumber();
    }
}
