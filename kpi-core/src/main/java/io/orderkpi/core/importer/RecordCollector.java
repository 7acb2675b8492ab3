package io.orderkpi.core.importer;

import de.siegmar.fastcsv.reader.CsvCallbackHandler;
import de.siegmar.fastcsv.reader.RecordType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Receives the fields of one CSV record straight from FastCSV's parser buffer. Instead of a
 * {@code String} per field (FastCSV's default {@code CsvRecord}), it keeps only the columns an
 * order uses, already trimmed, plus the record's raw text in one reused buffer (turned into
 * strings only for a rejected row, {@link #rawFields()}), and measures the record's UTF-8 size on the fly, so that a record
 * over the row limit costs no memory beyond the parser's buffer and is still read to its end.
 *
 * <p>One instance is reused for every record: the reader must finish with a record before it asks
 * FastCSV for the next one. Not thread-safe.
 */
final class RecordCollector extends CsvCallbackHandler<RecordCollector> {

    /** The row limit of SPEC §3 (64 KiB), in UTF-8 bytes of the fields and their separators. */
    static final int MAX_ROW_BYTES = 65_536;

    private static final String EMPTY = "";

    private final List<String> headerFields = new ArrayList<>();
    private boolean headerMode = true;
    private int[] slotOfField = new int[0];
    private String[] values = new String[0];
    /**
     * The data record's fields, untrimmed, back to back in {@code raw[0, rawLength)}; {@code
     * rawEnds[i]} is where field i ends. A plain array, not a {@code StringBuilder}: one non-Latin-1
     * character would turn a reused builder to UTF-16 for good, and every later append would
     * check and widen each character.
     */
    private char[] raw = new char[256];
    private int rawLength;
    private int[] rawEnds = new int[16];

    private long line;
    private int fieldCount;
    private long bytes;
    private boolean blank;
    private boolean empty;

    /** Switches from collecting the header's fields to filling the slots of {@code columns}. */
    void useColumns(CsvColumns columns) {
        headerMode = false;
        headerFields.clear();
        slotOfField = columns.slotOfField();
        values = new String[columns.slots()];
        Arrays.fill(values, EMPTY);
    }

    /** The physical line where the current record starts. */
    long line() {
        return line;
    }

    int fieldCount() {
        return fieldCount;
    }

    boolean oversized() {
        return bytes > MAX_ROW_BYTES;
    }

    /** The trimmed value of a slot; empty when absent, or when it came after the row went over the limit. */
    String value(int slot) {
        return values[slot];
    }

    /**
     * The data record's fields exactly as read (unquoted, untrimmed); empty for a record over the
     * row limit, which is not kept.
     */
    List<String> rawFields() {
        if (oversized()) {
            return List.of();
        }
        List<String> fields = new ArrayList<>(fieldCount);
        int from = 0;
        for (int i = 0; i < fieldCount; i++) {
            fields.add(new String(raw, from, rawEnds[i] - from));
            from = rawEnds[i];
        }
        return fields;
    }

    /** The header's fields, untrimmed; only before {@link #useColumns}. */
    List<String> headerFields() {
        return List.copyOf(headerFields);
    }

    @Override
    protected RecordType getRecordType() {
        return empty ? RecordType.EMPTY : RecordType.DATA;
    }

    @Override
    protected int getFieldCount() {
        return fieldCount;
    }

    @Override
    protected void beginRecord(long startingLineNumber) {
        line = startingLineNumber;
        fieldCount = 0;
        bytes = 0;
        blank = true;
        empty = false;
        if (headerMode) {
            headerFields.clear();
        } else {
            Arrays.fill(values, EMPTY);
            rawLength = 0;
        }
    }

    @Override
    protected void addField(char[] buf, int offset, int len, boolean quoted) {
        int field = fieldCount++;
        if (field > 0) {
            bytes++;
        }
        bytes += utf8Length(buf, offset, len);

        int start = offset;
        int end = offset + len;
        while (start < end && isSpace(buf[start])) {
            start++;
        }
        while (end > start && isSpace(buf[end - 1])) {
            end--;
        }
        if (start < end) {
            blank = false;
        }
        if (bytes > MAX_ROW_BYTES) {
            // The row is rejected anyway; keeping its fields would only let a huge row cost memory.
            return;
        }
        if (headerMode) {
            headerFields.add(new String(buf, offset, len));
        } else {
            if (rawLength + len > raw.length) {
                raw = Arrays.copyOf(raw, Math.max(raw.length * 2, rawLength + len));
            }
            System.arraycopy(buf, offset, raw, rawLength, len);
            rawLength += len;
            if (field == rawEnds.length) {
                rawEnds = Arrays.copyOf(rawEnds, field * 2);
            }
            rawEnds[field] = rawLength;
            if (field < slotOfField.length && start < end) {
                int slot = slotOfField[field];
                if (slot >= 0) {
                    values[slot] = new String(buf, start, end - start);
                }
            }
        }
    }

    @Override
    protected void setComment(char[] buf, int offset, int len) {
        // Comments are off (CommentStrategy.NONE): a '#' line is data.
    }

    @Override
    protected void setEmpty() {
        empty = true;
    }

    /**
     * Null tells FastCSV to skip the record: a blank line is no record (SPEC §3). A line of only
     * separators or spaces is one, rejected by the validator, so that it is never dropped
     * silently; before the header, though, it is skipped like a blank line.
     */
    @Override
    protected RecordCollector buildRecord() {
        return empty || blank && headerMode ? null : this;
    }

    /** Whether every field of the record is empty or spaces. */
    boolean blank() {
        return blank;
    }

    /** Trimmed like {@link String#strip()}, plus control characters as {@link String#trim()} does. */
    static boolean isSpace(char c) {
        return c <= ' ' || Character.isWhitespace(c);
    }

    /** UTF-8 length of the chars; a surrogate pair counts 2 + 2 = 4 bytes, as its encoding has. */
    private static int utf8Length(char[] buf, int offset, int len) {
        int bytes = len;
        for (int i = offset, end = offset + len; i < end; i++) {
            char c = buf[i];
            if (c >= 0x80) {
                bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return bytes;
    }
}
