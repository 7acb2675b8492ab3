package io.orderkpi.testkit;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.imports.ImportChunk;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.order.NewOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Test data for imports: {@code anImport().build()} for a queued run of a fresh file, and
 * {@code aChunk(run, 0).withOrders(a, b).withRejected("X-1", "total_amount: not a number").last().build()}
 * for the chunk a chunk job carries. Records of a chunk take consecutive physical lines from
 * {@link ChunkBuilder#startingAtLine} in the order they are added (orders and rejected rows
 * interleaved), as in a file without multi-line fields.
 */
public final class TestImports {

    /** {@code createdAt} and {@code startedAt} of every run unless a test sets its own. */
    public static final Instant CREATED_AT = Instant.parse("2025-11-16T09:00:00Z");

    private TestImports() {
    }

    /** A builder for a queued, real (not dry) run of a file nobody else imports. */
    public static RunBuilder anImport() {
        String id = UUID.randomUUID().toString();
        return new RunBuilder(id, "orders-" + id + ".csv", sha256Of(id), false, 1000, CREATED_AT, null);
    }

    /** A builder for chunk {@code index} of this run. */
    public static ChunkBuilder aChunk(ImportRun run, long index) {
        return aChunk(run.importId(), index);
    }

    /** A builder for chunk {@code index} of the import with this id. */
    public static ChunkBuilder aChunk(String importId, long index) {
        return new ChunkBuilder(importId, index);
    }

    /** The lower-case hex SHA-256 of a text's UTF-8 bytes: a file identity for tests. */
    public static String sha256Of(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }

    /** Withers over the arguments of {@link ImportRun#queued}. Immutable. */
    public static final class RunBuilder {

        private final String importId;
        private final String sourceName;
        private final String sha256;
        private final boolean dryRun;
        private final int chunkSize;
        private final Instant createdAt;
        private final @Nullable String source;

        private RunBuilder(String importId, String sourceName, String sha256, boolean dryRun, int chunkSize,
                Instant createdAt, @Nullable String source) {
            this.importId = importId;
            this.sourceName = sourceName;
            this.sha256 = sha256;
            this.dryRun = dryRun;
            this.chunkSize = chunkSize;
            this.createdAt = createdAt;
            this.source = source;
        }

        public RunBuilder withId(String value) {
            return new RunBuilder(value, sourceName, sha256, dryRun, chunkSize, createdAt, source);
        }

        public RunBuilder withSourceName(String value) {
            return new RunBuilder(importId, value, sha256, dryRun, chunkSize, createdAt, source);
        }

        public RunBuilder withSha256(String value) {
            return new RunBuilder(importId, sourceName, value, dryRun, chunkSize, createdAt, source);
        }

        public RunBuilder dryRun() {
            return new RunBuilder(importId, sourceName, sha256, true, chunkSize, createdAt, source);
        }

        public RunBuilder withChunkSize(int value) {
            return new RunBuilder(importId, sourceName, sha256, dryRun, value, createdAt, source);
        }

        /** When the run was created (and started). */
        public RunBuilder createdAt(Instant value) {
            return new RunBuilder(importId, sourceName, sha256, dryRun, chunkSize, value, source);
        }

        public RunBuilder withSource(@Nullable String value) {
            return new RunBuilder(importId, sourceName, sha256, dryRun, chunkSize, createdAt, value);
        }

        public ImportRun build() {
            return ImportRun.queued(importId, sourceName, sha256, dryRun, false, chunkSize, createdAt, source);
        }
    }

    /** Collects the records of one chunk in file order. Mutable: build one chunk per builder. */
    public static final class ChunkBuilder {

        private final String importId;
        private final long index;
        private long startLine = 2;
        private boolean last;
        /** {@link NewOrder}s and {@link Rejected}s, in file order. */
        private final List<Object> records = new ArrayList<>();

        private ChunkBuilder(String importId, long index) {
            this.importId = importId;
            this.index = index;
        }

        /** Physical line of the chunk's first record; 2 (after the header) unless set. */
        public ChunkBuilder startingAtLine(long line) {
            this.startLine = line;
            return this;
        }

        public ChunkBuilder withOrders(NewOrder... orders) {
            records.addAll(List.of(orders));
            return this;
        }

        public ChunkBuilder withOrders(List<NewOrder> orders) {
            records.addAll(orders);
            return this;
        }

        /** A row the importer rejected, in its place among the chunk's records. */
        public ChunkBuilder withRejected(String orderNumber, String reason) {
            records.add(new Rejected(orderNumber, reason, List.of()));
            return this;
        }

        /** A rejected row with its record as the file had it. */
        public ChunkBuilder withRejected(String orderNumber, String reason, List<String> fields) {
            records.add(new Rejected(orderNumber, reason, fields));
            return this;
        }

        /** Marks the chunk as the file's last. */
        public ChunkBuilder last() {
            this.last = true;
            return this;
        }

        public ImportChunk build() {
            List<ImportChunk.Row> rows = new ArrayList<>();
            List<RejectedRow> rejected = new ArrayList<>();
            long line = startLine;
            for (Object record : records) {
                if (record instanceof NewOrder order) {
                    rows.add(new ImportChunk.Row(line, order));
                } else if (record instanceof Rejected row) {
                    rejected.add(new RejectedRow(line, row.orderNumber(), row.reason(), row.fields()));
                }
                line++;
            }
            return new ImportChunk(importId, index, startLine, records.size(), rows, rejected, last);
        }

        private record Rejected(String orderNumber, String reason, List<String> fields) {
        }
    }
}
