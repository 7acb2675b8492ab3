package io.orderkpi.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** Runs an example into a buffer and reads its tables back, so tests never touch System.out. */
final class PrintedOutput {

    private PrintedOutput() {
    }

    static String of(Consumer<PrintStream> example) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            example.accept(out);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** The body rows (cells trimmed) of the table whose header row is {@code header}. */
    static List<List<String>> body(String output, List<String> header) {
        for (List<String> table : tables(output)) {
            List<List<String>> rows = table.stream().filter(line -> line.startsWith("|"))
                    .map(PrintedOutput::cells).toList();
            if (!rows.isEmpty() && rows.get(0).equals(header)) {
                return rows.subList(1, rows.size());
            }
        }
        throw new AssertionError("No table with the header " + header + " in:\n" + output);
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.length() - 1);
        return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
    }

    /**
     * Lines of the boxed tables ({@code +---+} rules and {@code |} rows), grouped per table; the
     * lines of one table must all be as wide for its columns to line up.
     */
    static List<List<String>> tables(String output) {
        List<List<String>> tables = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("+") || line.startsWith("|")) {
                current.add(line);
            } else if (!current.isEmpty()) {
                tables.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            tables.add(current);
        }
        return tables;
    }
}
