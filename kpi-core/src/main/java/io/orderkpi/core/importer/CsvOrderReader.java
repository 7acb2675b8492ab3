package io.orderkpi.core.importer;

import java.io.Closeable;
import java.io.InputStream;
import java.util.Iterator;

/** STUB: replaced by the real reader. */
public final class CsvOrderReader implements Iterator<ParsedRow>, Closeable {
    public static CsvOrderReader open(InputStream utf8Csv, ImportSettings settings) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean hasNext() {
        return false;
    }

    @Override
    public ParsedRow next() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
