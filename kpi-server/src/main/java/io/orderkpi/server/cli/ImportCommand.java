package io.orderkpi.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.core.queue.QueueNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code orders import FILE}: streams a CSV to {@code POST /api/v1/imports}, follows the import
 * to its end, prints a summary and writes every rejected row to {@code FILE.rejected.csv}. On a
 * terminal a progress bar redraws one line; otherwise (a pipe, a CI log) plain lines come at
 * most every few seconds, so logs stay readable.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import orders from a CSV file on the server (seed's orders:import): streamed, chunked, resumable.",
            "Rejected rows are written to FILE.rejected.csv with their line and reason."})
final class ImportCommand implements Callable<Integer> {

    /** How often the import's status is asked for: often enough for a live display, cheap for the server. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    @Parameters(index = "0", paramLabel = "FILE", description = "The CSV file.")
    Path file;

    @Option(names = "--chunk", defaultValue = "1000", description = "Rows per chunk job (default 1000).")
    int chunk;

    @Option(names = "--force", description = "Import again a file that was already imported (existing orders are still skipped).")
    boolean force;

    @Option(names = "--dry-run", description = "Validate and count only; store nothing.")
    boolean dryRun;

    @Option(names = "--process", description = "Queue every imported non-final order for the workflow.")
    boolean process;

    @Option(names = "--timeout", defaultValue = "PT2H", paramLabel = "DURATION",
            description = "How long to follow the import (ISO-8601, default PT2H).")
    Duration timeout;

    @Mixin
    ServerOptions server;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (chunk < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--chunk must be >= 1: " + chunk);
        }
        OrderKpiCli cli = OrderKpiCli.current();
        Path source = cli.workingDir().resolve(file);
        if (!Files.isRegularFile(source) || !Files.isReadable(source)) {
            throw new CliException("Cannot read " + source + ": no such file");
        }
        ApiClient client = server.client();
        ImportProgress progress = ImportProgress.forOutput(cli.out(), System.console() != null);
        Map<String, Object> query = ApiClient.params("chunk", chunk, "force", force, "dry_run", dryRun, "process", process);
        long size = sizeOf(source);
        ApiClient.ApiResponse answer = client.upload(ApiClient.path("/api/v1/imports", query), source,
                "text/csv; charset=utf-8", sent -> progress.uploaded(sent, size));
        String id = answer.data().path("import_id").asText();
        PrintWriter out = cli.out();
        if (answer.status() == 200) {
            // The same bytes were imported before: nothing started, so no progress to show.
            progress.finished();
            out.println("This file was already imported as import " + id + "; nothing imported (use --force to run it again).");
            return 0;
        }
        progress.uploadDone(id);
        String statusPath = "/api/v1/imports/" + ApiClient.segment(id);
        JsonNode status = Polling.until(timeout, POLL_INTERVAL, () -> {
            JsonNode current = client.get(statusPath).data();
            progress.status(current, !Polling.isFinal(current.path("state").asText()) && importQueuePaused(client));
            return current;
        }, s -> Polling.isFinal(s.path("state").asText()),
                "Import " + id + " is still running after " + timeout + "; follow it with GET " + statusPath);
        progress.finished();
        if (status.path("state").asText().equals("failed")) {
            throw new CliException("Import " + id + " failed: " + (status.hasNonNull("error")
                    ? status.get("error").asText() : "see the server log"));
        }
        out.println(summary(status, dryRun));
        long rejected = status.path("rejected").asLong();
        if (rejected > 0) {
            Path target = source.resolveSibling(source.getFileName() + ".rejected.csv");
            Path part = target.resolveSibling(target.getFileName() + ".part");
            try {
                client.download(statusPath + "/rejected.csv", part);
                long written = RejectedRowsFile.save(part, target);
                out.println("Wrote " + written + " rejected row(s) to " + target
                        + " (the rows as in the file, with line and reason appended)");
            } catch (IOException e) {
                throw new CliException("Cannot write " + target + ": " + e.getMessage(), e);
            } finally {
                deleteQuietly(part);
            }
        }
        return 0;
    }

    /** Whether the queue that applies an import's chunks is paused (then its progress cannot move). */
    private static boolean importQueuePaused(ApiClient client) {
        for (JsonNode queue : client.get("/api/v1/queues").data().path("queues")) {
            if (queue.path("name").asText().equals(QueueNames.ORDERS_IMPORT)) {
                return queue.path("paused").asBoolean();
            }
        }
        return false;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover scratch file next to the source is harmless.
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new CliException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The one-line result: what was read, imported, skipped and rejected. */
    static String summary(JsonNode status, boolean dryRun) {
        return (dryRun ? "Dry run of import " : "Import ") + status.path("import_id").asText() + " "
                + status.path("state").asText() + ": " + Tables.text(status.get("rows_read")) + " row(s) read, "
                + Tables.text(status.get("imported")) + (dryRun ? " valid (nothing stored), " : " imported, ")
                + Tables.text(status.get("skipped_existing")) + " skipped (already existing), "
                + Tables.text(status.get("rejected")) + " rejected.";
    }
}
