package io.orderkpi.mysql;

import io.orderkpi.core.imports.CsvLine;
import io.orderkpi.core.imports.ImportCounters;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.imports.ImportState;
import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.spi.ChunkOutOfOrderException;
import io.orderkpi.core.spi.ImportRecords;
import io.orderkpi.core.spi.Page;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The imports view of {@link MySqlRecordStore}. */
final class MySqlImports implements ImportRecords {

    private static final String SELECT_RUN = "SELECT " + Rows.IMPORT_COLUMNS + " FROM imports ";

    private final Db db;

    MySqlImports(Db db) {
        this.db = db;
    }

    @Override
    public ImportRun create(ImportRun run) {
        Objects.requireNonNull(run, "run");
        return db.inTransaction(handle -> {
            try {
                handle.createUpdate("INSERT INTO imports (import_id, source_name, sha256, state, dry_run, "
                        + "process_orders, chunk_size, started_at, rows_read, imported, skipped_existing, rejected, "
                        + "chunks_applied, chunks_total, source, error, created_at, updated_at, finished_at, header_csv) VALUES "
                        + "(:importId, :sourceName, :sha256, :state, :dryRun, :processOrders, :chunkSize, :startedAt, "
                        + ":rowsRead, :imported, :skippedExisting, :rejected, :chunksApplied, :chunksTotal, :source, "
                        + ":error, :createdAt, :updatedAt, :finishedAt, :headerCsv)")
                        .bind("importId", run.importId())
                        .bind("sourceName", run.sourceName())
                        .bind("sha256", run.sha256())
                        .bind("dryRun", run.dryRun())
                        .bind("processOrders", run.processOrders())
                        .bind("chunkSize", run.chunkSize())
                        .bind("startedAt", Db.at(run.startedAt()))
                        .bind("source", run.source())
                        .bind("createdAt", Db.at(run.createdAt()))
                        .bind("headerCsv", CsvLine.join(run.header()))
                        .bindMap(progress(run))
                        .execute();
            } catch (JdbiException e) {
                if (Db.isDuplicateKey(e)) {
                    throw new IllegalArgumentException("An import with id " + run.importId() + " exists");
                }
                throw e;
            }
            return find(handle, run.importId()).orElseThrow();
        });
    }

    /** The columns a run's progress changes, for insert and update alike. */
    private static java.util.Map<String, Object> progress(ImportRun run) {
        java.util.Map<String, Object> values = new java.util.HashMap<>();
        values.put("state", Rows.wire(run.state()));
        values.put("rowsRead", run.counters().rowsRead());
        values.put("imported", run.counters().imported());
        values.put("skippedExisting", run.counters().skippedExisting());
        values.put("rejected", run.counters().rejected());
        values.put("chunksApplied", run.chunksApplied());
        values.put("chunksTotal", run.chunksTotal());
        values.put("error", run.error());
        values.put("updatedAt", Db.at(run.updatedAt()));
        values.put("finishedAt", Db.at(run.finishedAt()));
        return values;
    }

    private static Optional<ImportRun> find(Handle handle, String importId) {
        return handle.createQuery(SELECT_RUN + "WHERE import_id = :importId").bind("importId", importId)
                .map((row, context) -> Rows.importRun(row)).findOne();
    }

    /** The run, locked until commit: chunks of one import apply one at a time, in order. */
    ImportRun lockRun(Handle handle, String importId) {
        return handle.createQuery(SELECT_RUN + "WHERE import_id = :importId FOR UPDATE").bind("importId", importId)
                .map((row, context) -> Rows.importRun(row)).findOne()
                .orElseThrow(() -> new NoSuchElementException("No import with id " + importId));
    }

    void updateRun(Handle handle, ImportRun run) {
        handle.createUpdate("UPDATE imports SET state = :state, rows_read = :rowsRead, imported = :imported, "
                + "skipped_existing = :skippedExisting, rejected = :rejected, chunks_applied = :chunksApplied, "
                + "chunks_total = :chunksTotal, error = :error, updated_at = :updatedAt, finished_at = :finishedAt "
                + "WHERE import_id = :importId")
                .bindMap(progress(run))
                .bind("importId", run.importId())
                .execute();
    }

    /** Appends rejected rows after the run's earlier ones; the caller holds the run's lock. */
    void insertRejected(Handle handle, String importId, List<RejectedRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        long next = handle.createQuery("SELECT COALESCE(MAX(row_no) + 1, 0) FROM import_rejected_rows "
                + "WHERE import_id = :importId").bind("importId", importId).mapTo(Long.class).one();
        PreparedBatch batch = handle.prepareBatch("INSERT INTO import_rejected_rows (import_id, row_no, line, "
                + "order_number, reason, row_csv) VALUES (:importId, :rowNo, :line, :orderNumber, :reason, :rowCsv)");
        for (RejectedRow row : rows) {
            batch.bind("importId", importId)
                    .bind("rowNo", next++)
                    .bind("line", row.line())
                    .bind("orderNumber", row.orderNumber())
                    .bind("reason", row.reason())
                    .bind("rowCsv", CsvLine.join(row.fields()))
                    .add();
        }
        batch.execute();
    }

    /** Whether chunk {@code index} is the next one; false when it was applied before. */
    static boolean isNextChunk(ImportRun run, long index) {
        if (index > run.chunksApplied()) {
            throw new ChunkOutOfOrderException(run.importId(), index, run.chunksApplied());
        }
        return index == run.chunksApplied();
    }

    @Override
    public Optional<ImportRun> get(String importId) {
        Objects.requireNonNull(importId, "importId");
        return db.read(handle -> find(handle, importId));
    }

    @Override
    public Optional<ImportRun> bySha256(String sha256) {
        Objects.requireNonNull(sha256, "sha256");
        return db.read(handle -> handle.createQuery(SELECT_RUN + "WHERE sha256 = :sha256 AND dry_run = FALSE "
                + "AND state <> 'failed' ORDER BY created_at DESC, insertion DESC LIMIT 1")
                .bind("sha256", sha256).map((row, context) -> Rows.importRun(row)).findOne());
    }

    @Override
    public List<ImportRun> recent(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + limit);
        }
        return db.read(handle -> handle.createQuery(SELECT_RUN + "ORDER BY created_at DESC, insertion DESC "
                + "LIMIT :limit").bind("limit", limit).map((row, context) -> Rows.importRun(row)).list());
    }

    @Override
    public List<ImportRun> unfinished() {
        return db.read(handle -> handle.createQuery(SELECT_RUN + "WHERE state IN ('queued', 'running') "
                + "ORDER BY created_at, insertion").map((row, context) -> Rows.importRun(row)).list());
    }

    @Override
    public Page<ImportRun> page(long beforeKey, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1: " + limit);
        }
        // The key is the AUTO_INCREMENT insertion column: assigned in creation order, positive.
        List<Map.Entry<Long, ImportRun>> rows = db.read(handle -> new PageQuery(SELECT_RUN.trim(), "insertion",
                beforeKey).fetch(handle, limit, (row, context) -> Map.entry(row.getLong("insertion"),
                        Rows.importRun(row))));
        Page<Map.Entry<Long, ImportRun>> page = PageQuery.page(rows, limit, Map.Entry::getKey);
        return new Page<>(page.items().stream().map(Map.Entry::getValue).toList(), page.nextKey());
    }

    @Override
    public Optional<ImportRun> updateState(String importId, ImportState from, ImportState to,
            @Nullable String error) {
        Objects.requireNonNull(importId, "importId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        return db.inTransaction(handle -> {
            ImportRun run = lockRun(handle, importId);
            if (run.state() != from) {
                return Optional.<ImportRun>empty();
            }
            ImportRun updated = run.withState(to, to == ImportState.FAILED ? error : null, db.now());
            updateRun(handle, updated);
            return Optional.of(updated);
        });
    }

    @Override
    public Optional<ImportRun> claim(String importId, @Nullable String expectedOwner, String owner, Instant now) {
        Objects.requireNonNull(importId, "importId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        return db.inTransaction(handle -> {
            ImportRun run = lockRun(handle, importId);
            if (!Objects.equals(run.owner(), expectedOwner)) {
                return Optional.<ImportRun>empty();
            }
            ImportRun owned = run.ownedBy(owner, Db.micros(now));
            handle.createUpdate("UPDATE imports SET owner = :owner, heartbeat_at = :now, updated_at = :now "
                    + "WHERE import_id = :importId")
                    .bind("owner", owner).bind("now", Db.at(owned.heartbeatAt())).bind("importId", importId)
                    .execute();
            return Optional.of(owned);
        });
    }

    @Override
    public Set<String> heartbeat(String owner, Collection<String> importIds, Instant now) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        List<String> ids = importIds.stream().distinct().toList();
        if (ids.isEmpty()) {
            return Set.of();
        }
        return db.inTransaction(handle -> {
            Set<String> beating = new HashSet<>(handle.createQuery("SELECT import_id FROM imports "
                    + "WHERE import_id IN (<ids>) AND owner = :owner AND state IN ('queued', 'running') FOR UPDATE")
                    .bindList("ids", ids).bind("owner", owner).mapTo(String.class).list());
            if (!beating.isEmpty()) {
                handle.createUpdate("UPDATE imports SET heartbeat_at = :now WHERE import_id IN (<ids>)")
                        .bindList("ids", List.copyOf(beating)).bind("now", Db.at(now)).execute();
            }
            return beating;
        });
    }

    @Override
    public ImportRun recordDryRunChunk(String importId, long index, ImportCounters delta, List<RejectedRow> rejected,
            boolean last) {
        Objects.requireNonNull(importId, "importId");
        Objects.requireNonNull(delta, "delta");
        List<RejectedRow> rows = List.copyOf(rejected);
        return db.inTransaction(handle -> {
            ImportRun run = lockRun(handle, importId);
            if (!isNextChunk(run, index)) {
                return run;
            }
            ImportRun updated = run.withChunkApplied(delta, last, db.now());
            insertRejected(handle, importId, rows);
            updateRun(handle, updated);
            return updated;
        });
    }

    @Override
    public List<RejectedRow> rejectedRows(String importId, long offset, int limit) {
        Objects.requireNonNull(importId, "importId");
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0: " + offset + ", " + limit);
        }
        return db.read(handle -> handle.createQuery("SELECT line, order_number, reason, row_csv FROM import_rejected_rows "
                + "WHERE import_id = :importId AND row_no >= :offset ORDER BY row_no LIMIT :limit")
                .bind("importId", importId).bind("offset", offset).bind("limit", limit)
                .map((row, context) -> new RejectedRow(row.getLong("line"), row.getString("order_number"),
                        row.getString("reason"), Rows.csvLine(row, "row_csv")))
                .list());
    }

    @Override
    public int purgeFinished(Instant finishedBefore) {
        Objects.requireNonNull(finishedBefore, "finishedBefore");
        return db.inTransaction(handle -> {
            handle.createUpdate("DELETE r FROM import_rejected_rows r JOIN imports i ON i.import_id = r.import_id "
                    + "WHERE i.state IN ('completed', 'failed') AND i.finished_at < :before")
                    .bind("before", Db.at(finishedBefore)).execute();
            return handle.createUpdate("DELETE FROM imports WHERE state IN ('completed', 'failed') "
                    + "AND finished_at < :before").bind("before", Db.at(finishedBefore)).execute();
        });
    }
}
