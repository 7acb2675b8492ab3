package io.orderkpi.core.importer;

/**
 * Follows RFC 4180 quoting over text that arrives in pieces, and the physical line where the
 * current quoted field opened, so that a file ending inside a quote can be named by the line of
 * its stray quote. Used by one thread.
 */
final class QuoteScanner {

    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    /** A quote inside a quoted field: the closing one, or the first of an escaped pair. */
    private static final int QUOTE_IN_QUOTED = 3;

    private int state = FIELD_START;
    private long line = 1;
    private long openedAt;
    private boolean afterCr;

    void scan(char[] buffer, int offset, int length) {
        // Locals, written back once: this runs for every character of an import.
        int s = state;
        long lines = line;
        long opened = openedAt;
        boolean cr = afterCr;
        for (int i = offset, end = offset + length; i < end; i++) {
            char c = buffer[i];
            if (c == '\n') {
                if (!cr) {
                    lines++;
                }
            } else if (c == '\r') {
                lines++;
            }
            cr = c == '\r';
            switch (s) {
                case FIELD_START -> {
                    if (c == '"') {
                        s = QUOTED;
                        opened = lines;
                    } else {
                        s = isBoundary(c) ? FIELD_START : UNQUOTED;
                    }
                }
                case UNQUOTED -> s = isBoundary(c) ? FIELD_START : UNQUOTED;
                case QUOTED -> s = c == '"' ? QUOTE_IN_QUOTED : QUOTED;
                default -> s = c == '"' ? QUOTED : isBoundary(c) ? FIELD_START : UNQUOTED;
            }
        }
        state = s;
        line = lines;
        openedAt = opened;
        afterCr = cr;
    }

    /** Whether the text so far ends inside a quoted field. */
    boolean insideQuote() {
        return state == QUOTED;
    }

    /** The 1-based physical line where the open quoted field started. */
    long openedAtLine() {
        return openedAt;
    }

    private static boolean isBoundary(char c) {
        return c == ',' || c == '\n' || c == '\r';
    }
}
