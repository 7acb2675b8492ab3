package io.orderkpi.server.cli;

/** RFC 4180 quoting for the CSV files the CLI writes. */
final class Csv {

    private Csv() {
    }

    /** The field as is, or quoted (inner quotes doubled) when it holds a comma, quote or line break. */
    static String field(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
