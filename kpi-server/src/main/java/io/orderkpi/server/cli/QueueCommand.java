package io.orderkpi.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.server.cli.Listing.Column;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orderkpi queue ...}: the queues as Horizon shows and manages them, over the HTTP API. */
@Command(name = "queue", mixinStandardHelpOptions = true, description = "Queue commands (as Horizon's).",
        subcommands = {QueueCommand.Status.class, QueueCommand.Failed.class, QueueCommand.Retry.class,
            QueueCommand.Forget.class, QueueCommand.Pause.class, QueueCommand.Continue.class, QueueCommand.Clear.class})
final class QueueCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a queue subcommand is required");
    }

    /** The first array of a list answer's data: {@code data.<things>} whatever its name. */
    static List<JsonNode> list(JsonNode data, String name) {
        if (data.has(name)) {
            return Tables.elements(data.get(name));
        }
        if (data.isArray()) {
            return Tables.elements(data);
        }
        for (Map.Entry<String, JsonNode> field : data.properties()) {
            if (field.getValue().isArray()) {
                return Tables.elements(field.getValue());
            }
        }
        return List.of();
    }

    /** {@code queue status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Per queue: pending, running, completed and failed jobs, throughput and wait times.")
    static final class Status implements Callable<Integer> {

        private static final List<Column> COLUMNS = List.of(
                new Column("Queue", q -> Tables.text(q.has("queue") ? q.get("queue") : q.get("name"))),
                new Column("State", q -> q.path("paused").asBoolean() ? "paused" : "running"),
                Column.text("Pending", "pending"), Column.text("Running", "running"),
                Column.text("Completed", "completed"), Column.text("Failed", "failed"),
                Column.text("Jobs/min", "throughput_per_minute"),
                new Column("Wait p50", q -> millis(q.get("wait_p50_ms"))),
                new Column("Wait p95", q -> millis(q.get("wait_p95_ms"))));

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            List<JsonNode> queues = list(server.client().get("/api/v1/queues").data(), "queues");
            PrintWriter out = OrderKpiCli.current().out();
            if (queues.isEmpty()) {
                out.println("No queues.");
                return 0;
            }
            Listing.table(out, queues, COLUMNS);
            return 0;
        }

        private static String millis(JsonNode node) {
            return node == null || !node.isNumber() ? "-" : node.asLong() + " ms";
        }
    }

    /** {@code queue failed [--queue NAME] [--search TEXT]}. */
    @Command(name = "failed", mixinStandardHelpOptions = true, description = "List failed jobs with their last error.")
    static final class Failed implements Callable<Integer> {

        private static final List<Column> COLUMNS = List.of(Column.text("ID", "id"), Column.text("Queue", "queue"),
                Column.text("Type", "type"), Column.text("Subject", "subject"), Column.text("Attempts", "attempts"),
                Column.text("Failed At", "failed_at"),
                // The first line only: a stack trace would break the table.
                new Column("Error", j -> Tables.text(j.get("last_error")).lines().findFirst().orElse("")));

        @Option(names = "--queue", paramLabel = "NAME", description = "Only this queue's failed jobs.")
        String queue;

        @Option(names = {"--search", "-q"}, paramLabel = "TEXT", description = "Only jobs whose type, subject or error holds TEXT.")
        String search;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many, most recent first, 1..500 (default 50).")
        int limit;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 500) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1..500: " + limit);
            }
            JsonNode data = Listing.get(server, "/api/v1/queues/failed", ApiClient.params("queue", queue, "q", search, "limit", limit));
            PrintWriter out = OrderKpiCli.current().out();
            boolean any = Listing.print(out, list(data, "failed_jobs"), "No failed jobs.", "failed job(s):", COLUMNS);
            // Only the first page is shown, as for orders: a look, not an export.
            if (any && data.hasNonNull("next_cursor")) {
                out.println("More failed jobs match; raise --limit or narrow the filters.");
            }
            return 0;
        }
    }

    /** The failed jobs retry and forget act on: one ID, or --all (of --queue); a picocli mixin. */
    static final class FailedJobs {

        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The failed job's id.")
        String id;

        @Option(names = "--all", description = "Every failed job (of --queue when given).")
        boolean all;

        @Option(names = "--queue", paramLabel = "NAME", description = "With --all: only this queue.")
        String queue;

        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec spec;

        /** Checks that exactly one of ID and --all was given; returns whether it was --all. */
        boolean all() {
            if ((id == null) == !all) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give either a job ID or --all");
            }
            return all;
        }

        /** The bulk route with its {@code queue} filter. */
        String bulk(String path) {
            return ApiClient.path(path, ApiClient.params("queue", queue));
        }

        /** The single job's route. */
        String one(String path) {
            return path + "/" + ApiClient.segment(id);
        }

        /** " in QUEUE" when --queue narrowed the bulk action. */
        String in() {
            return queue == null ? "" : " in " + queue;
        }
    }

    /** {@code queue retry ID | --all [--queue NAME]}. */
    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Queue failed jobs again: one, or all (of a queue).")
    static final class Retry implements Callable<Integer> {

        @Mixin
        FailedJobs jobs;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            return jobs.all()
                    ? Actions.post(server, jobs.bulk("/api/v1/queues/failed/retry-all"),
                            data -> Actions.count(data, "retried") + " failed job(s) queued again" + jobs.in() + ".")
                    : Actions.post(server, jobs.one("/api/v1/queues/failed") + "/retry",
                            data -> "Failed job " + jobs.id + " queued again.");
        }
    }

    /** {@code queue forget ID | --all [--queue NAME]}. */
    @Command(name = "forget", mixinStandardHelpOptions = true, description = "Delete failed jobs: one, or all (of a queue).")
    static final class Forget implements Callable<Integer> {

        @Mixin
        FailedJobs jobs;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            return jobs.all()
                    ? Actions.delete(server, jobs.bulk("/api/v1/queues/failed"),
                            data -> Actions.count(data, "forgotten") + " failed job(s) forgotten" + jobs.in() + ".")
                    : Actions.delete(server, jobs.one("/api/v1/queues/failed"),
                            data -> "Failed job " + jobs.id + " forgotten.");
        }
    }

    /** {@code queue pause NAME}. */
    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Stop starting jobs of a queue.")
    static final class Pause implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME", description = "The queue (orders-import, order-processing, ...).")
        String name;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            return Actions.post(server, route(name) + "/pause", data -> "Queue " + name + " paused.");
        }
    }

    /** {@code queue continue NAME}. */
    @Command(name = "continue", mixinStandardHelpOptions = true, description = "Start running jobs of a paused queue again.")
    static final class Continue implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME", description = "The queue.")
        String name;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            return Actions.post(server, route(name) + "/continue", data -> "Queue " + name + " continued.");
        }
    }

    /** {@code queue clear NAME}. */
    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Delete every pending job of a queue.")
    static final class Clear implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME", description = "The queue.")
        String name;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            return Actions.delete(server, route(name) + "/jobs",
                    data -> Actions.count(data, "cleared") + " pending job(s) cleared from " + name + ".");
        }
    }

    /** A queue's own route. */
    private static String route(String name) {
        return "/api/v1/queues/" + ApiClient.segment(name);
    }
}
