package io.orderkpi.server.routes;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.importer.ImportOptions;
import io.orderkpi.core.importer.ImportRefusedException;
import io.orderkpi.core.imports.ImportRun;
import io.orderkpi.core.importer.ImportSubmission;
import io.orderkpi.core.imports.RejectedRow;
import io.orderkpi.core.spi.Page;
import io.orderkpi.server.http.ApiException;
import io.orderkpi.server.http.Request;
import io.orderkpi.server.http.Response;
import io.orderkpi.server.http.RouteOption;
import io.orderkpi.server.http.Router;
import io.orderkpi.server.http.Routes;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * CSV imports (SPEC §3, §9): upload a file as a streamed body, follow its progress, download its
 * rejected rows. The upload is never held in memory: the importer spools the request body to disk
 * while it computes the file's SHA-256, within the server's upload limit (413 past it).
 */
public final class ImportRoutes implements Routes {

    private static final String BASE = "/api/v1/imports";
    /** SPEC §9: the import status shows the first 100 rejected rows; the CSV download has them all. */
    static final int REJECTED_IN_STATUS = 100;
    private static final int REJECTED_PAGE = 1_000;
    private static final String CSV = "text/csv; charset=utf-8";

    private final OrderKpi kpi;

    public ImportRoutes(OrderKpi kpi) {
        this.kpi = Objects.requireNonNull(kpi, "kpi");
    }

    @Override
    public void register(Router router) {
        router.post(BASE, this::upload, RouteOption.UPLOAD)
                .get(BASE, this::list)
                .get(BASE + "/{id}", this::get)
                .get(BASE + "/{id}/rejected.csv", this::rejectedCsv);
    }

    private Response upload(Request request) {
        checkContentType(request.header("Content-Type"));
        ImportOptions options = new ImportOptions(request.query("name").orElse("upload.csv"),
                request.clampedInt("chunk", ImportOptions.DEFAULT_CHUNK_SIZE, 1, ImportOptions.MAX_CHUNK_SIZE),
                request.booleanParam("force", false), request.booleanParam("dry_run", false),
                request.booleanParam("process", false));
        ImportSubmission submission;
        try {
            submission = kpi.importStream(request.body(), options);
        } catch (ImportRefusedException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (submission.alreadyImported()) {
            // The same bytes were imported before: answer with that import, import nothing.
            return Response.ok(view(submission.run()));
        }
        return Response.accepted(view(submission.run()));
    }

    /** text/csv (UTF-8 or no charset) or application/octet-stream; anything else is a 415. */
    static void checkContentType(Optional<String> header) {
        String expected = "text/csv or application/octet-stream";
        if (header.isEmpty()) {
            throw ApiException.unsupportedMediaType(expected);
        }
        String[] parts = header.get().split(";");
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        if (type.equals("application/octet-stream")) {
            return;
        }
        if (!type.equals("text/csv")) {
            throw ApiException.unsupportedMediaType(expected);
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].strip().toLowerCase(Locale.ROOT);
            if (param.startsWith("charset=")) {
                String charset = param.substring("charset=".length()).replace("\"", "").strip();
                if (!charset.equals("utf-8") && !charset.equals("utf8")) {
                    throw ApiException.unsupportedMediaType("text/csv in UTF-8 (the file is " + charset
                            + "; save it as UTF-8)");
                }
            }
        }
    }

    private Views.ImportView view(ImportRun run) {
        List<RejectedRow> rejected = kpi.records().imports().rejectedRows(run.importId(), 0, REJECTED_IN_STATUS);
        return Views.ImportView.of(run, rejected);
    }

    private ImportRun run(Request request) {
        String id = request.pathParam("id");
        return kpi.records().imports().get(id).orElseThrow(() -> ApiException.notFound("Import not found: " + id));
    }

    private Response list(Request request) {
        Page<ImportRun> page = kpi.records().imports().page(Cursor.from(request), Cursor.limit(request));
        List<Views.ImportView> imports = page.items().stream().map(run -> Views.ImportView.of(run, null)).toList();
        return Response.ok(Cursor.page("imports", imports, page.nextKey()));
    }

    private Response get(Request request) {
        return Response.ok(view(run(request)));
    }

    /**
     * The rejected rows as they were in the file, under the file's header, with {@code line} and
     * {@code reason} appended (SPEC §3): fix them and import the file again. A row whose record
     * was not kept (over the 64 KiB limit) has empty fields and says so in its reason; a row with
     * fewer fields than the header is padded with empty ones.
     */
    private Response rejectedCsv(Request request) {
        ImportRun run = run(request);
        String id = run.importId();
        return Response.stream(200, CSV, out -> {
            // Page by page: an import may have millions of rejected rows.
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            writeCsvRow(writer, run.header(), "line", "reason");
            List<String> notKept = Collections.nCopies(run.header().size(), "");
            long offset = 0;
            while (true) {
                List<RejectedRow> rows = kpi.records().imports().rejectedRows(id, offset, REJECTED_PAGE);
                for (RejectedRow row : rows) {
                    String line = Long.toString(row.line());
                    if (row.hasFields()) {
                        // A short row is padded (missing fields read as empty anyway) so that line
                        // and reason stand in their own columns.
                        List<String> fields = row.fields();
                        if (fields.size() < notKept.size()) {
                            fields = new ArrayList<>(fields);
                            fields.addAll(notKept.subList(fields.size(), notKept.size()));
                        }
                        writeCsvRow(writer, fields, line, row.reason());
                    } else {
                        writeCsvRow(writer, notKept, line, row.reason() + "; the row itself is not kept: copy it "
                                + "from line " + line + " of the file");
                    }
                }
                if (rows.size() < REJECTED_PAGE) {
                    break;
                }
                offset += rows.size();
            }
            writer.flush();
        }).header("Content-Disposition", "attachment; filename=\"import-" + id + "-rejected.csv\"");
    }

    private static void writeCsvRow(Writer writer, List<String> fields, String line, String reason)
            throws IOException {
        for (String field : fields) {
            writer.write(csvField(field));
            writer.write(',');
        }
        writer.write(line);
        writer.write(',');
        writer.write(csvField(reason));
        writer.write("\r\n");
    }

    /** RFC 4180 quoting, only where needed. */
    static String csvField(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0
                && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
