package io.orderkpi.core.importer;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Follows RFC 4180 quoting as the text passes to FastCSV, to notice a file that ends inside a
 * quoted field. FastCSV 4.1 reads such a file to its end as one last field: a stray quote would
 * silently swallow every row after it, so the end of input is reported as an
 * {@link UnclosedQuoteException} instead.
 */
final class QuoteCheckingReader extends FilterReader {

    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    /** A quote inside a quoted field: the closing one, or the first of an escaped pair. */
    private static final int QUOTE_IN_QUOTED = 3;

    private int state = FIELD_START;

    QuoteCheckingReader(Reader in) {
        super(in);
    }

    @Override
    public int read(char[] buf, int offset, int len) throws IOException {
        int n = in.read(buf, offset, len);
        if (n < 0) {
            if (state == QUOTED) {
                throw new UnclosedQuoteException();
            }
            return n;
        }
        int s = state;
        for (int i = offset, end = offset + n; i < end; i++) {
            char c = buf[i];
            switch (s) {
                case FIELD_START:
                    s = c == '"' ? QUOTED : isBoundary(c) ? FIELD_START : UNQUOTED;
                    break;
                case UNQUOTED:
                    if (isBoundary(c)) {
                        s = FIELD_START;
                    }
                    break;
                case QUOTED:
                    if (c == '"') {
                        s = QUOTE_IN_QUOTED;
                    }
                    break;
                default:
                    s = c == '"' ? QUOTED : isBoundary(c) ? FIELD_START : UNQUOTED;
                    break;
            }
        }
        state = s;
        return n;
    }

    @Override
    public int read() throws IOException {
        char[] one = new char[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0];
    }

    private static boolean isBoundary(char c) {
        return c == ',' || c == '\n' || c == '\r';
    }

    /** The input ended inside a quoted field. */
    static final class UnclosedQuoteException extends IOException {

        UnclosedQuoteException() {
            super("a quoted field is not closed before the end of the file");
        }
    }
}
