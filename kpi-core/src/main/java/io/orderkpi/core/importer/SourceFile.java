package io.orderkpi.core.importer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file to import, read once end to end before any row is parsed: that one pass gives its
 * SHA-256 identity (so a repeated upload is recognised before anything is stored) and refuses a
 * file that is empty or not UTF-8 as a whole. An uploaded stream is spooled to disk in the same
 * pass, which also lets an interrupted import resume from the file.
 *
 * @param path   where the bytes are
 * @param sha256 lower-case hex
 * @param bytes  size
 */
record SourceFile(Path path, String sha256, long bytes) {

    private static final int BUFFER = 64 * 1024;

    /** Hashes and checks a file in place. */
    static SourceFile inspect(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, OutputStream.nullOutputStream(), file);
        }
    }

    /** Copies a stream to {@code target}, hashing and checking it on the way. */
    static SourceFile spool(InputStream in, Path target) throws IOException {
        boolean done = false;
        try (OutputStream out = Files.newOutputStream(target)) {
            SourceFile file = read(in, out, target);
            done = true;
            return file;
        } finally {
            if (!done) {
                Files.deleteIfExists(target);
            }
        }
    }

    private static SourceFile read(InputStream in, OutputStream out, Path path) throws IOException {
        MessageDigest sha = newDigest();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
        CharBuffer chars = CharBuffer.allocate(BUFFER);
        byte[] buffer = new byte[BUFFER];
        QuoteScanner quotes = new QuoteScanner();
        long total = 0;
        int n;
        while ((n = in.read(buffer, 0, Math.min(buffer.length, bytes.remaining()))) != -1) {
            if (n == 0) {
                continue;
            }
            sha.update(buffer, 0, n);
            out.write(buffer, 0, n);
            bytes.put(buffer, 0, n);
            bytes.flip();
            checkUtf8(utf8.decode(bytes, chars, false), total + bytes.position());
            scan(quotes, chars);
            total += n;
            bytes.compact();
        }
        bytes.flip();
        checkUtf8(utf8.decode(bytes, chars, true), total - bytes.remaining() + bytes.position());
        checkUtf8(utf8.flush(chars), total);
        scan(quotes, chars);
        if (total == 0) {
            throw new ImportRefusedException("File is empty");
        }
        if (quotes.insideQuote()) {
            // Refused here, before the upload is answered, rather than failing the import later.
            throw new ImportRefusedException("File is not valid CSV: line " + quotes.openedAtLine()
                    + " opens a quoted field that is never closed, so it would swallow every row after it;"
                    + " close the quote or double the quote character inside the field");
        }
        return new SourceFile(path, HexFormat.of().formatHex(sha.digest()), total);
    }

    private static void scan(QuoteScanner quotes, CharBuffer chars) {
        chars.flip();
        quotes.scan(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining());
        chars.clear();
    }

    private static void checkUtf8(CoderResult result, long offset) {
        if (result.isError()) {
            throw new ImportRefusedException("File is not valid UTF-8: malformed byte sequence near byte " + offset);
        }
    }

    /** The lower-case hex SHA-256 of a file's bytes, without the other checks: is it still the file? */
    static String sha256Of(Path file) throws IOException {
        MessageDigest sha = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = in.read(buffer)) != -1) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
