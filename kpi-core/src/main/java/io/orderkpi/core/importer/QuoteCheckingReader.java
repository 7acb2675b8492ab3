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

    private final QuoteScanner quotes = new QuoteScanner();

    QuoteCheckingReader(Reader in) {
        super(in);
    }

    @Override
    public int read(char[] buf, int offset, int len) throws IOException {
        int n = in.read(buf, offset, len);
        if (n < 0) {
            if (quotes.insideQuote()) {
                throw new UnclosedQuoteException(quotes.openedAtLine());
            }
            return n;
        }
        quotes.scan(buf, offset, n);
        return n;
    }

    @Override
    public int read() throws IOException {
        char[] one = new char[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0];
    }

    /** The input ended inside a quoted field. */
    static final class UnclosedQuoteException extends IOException {

        UnclosedQuoteException(long line) {
            super("line " + line + ": a quoted field opened here is not closed before the end of the file");
        }
    }
}
