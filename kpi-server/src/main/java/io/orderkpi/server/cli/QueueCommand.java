package io.orderkpi.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode q : queues) {
                rows.add(List.of(Tables.text(q.has("queue") ? q.get("queue") : q.get("name")),
                        q.path("paused").asBoolean() ? "paused" : "running",
                        Tables.text(q.get("pending")), Tables.text(q.get("running")), Tables.text(q.get("completed")),
                        Tables.text(q.get("failed")), Tables.text(q.get("throughput_per_minute")),
                        millis(q.get("wait_p50_ms")), millis(q.get("wait_p95_ms"))));
            }
            Tables.print(out, List.of("Queue", "State", "Pending", "Running", "Completed", "Failed", "Jobs/min",
                    "Wait p50", "Wait p95"), rows);
            return 0;
        }

        private static String millis(JsonNode node) {
            return node == null || !node.isNumber() ? "-" : node.asLong() + " ms";
        }
    }

    /** {@code queue failed [--queue NAME] [--search TEXT]}. */
    @Command(name = "failed", mixinStandardHelpOptions = true, description = "List failed jobs with their last error.")
    static final class Failed implements Callable<Integer> {

        @Option(names = "--queue", paramLabel = "NAME", description = "Only this queue's failed jobs.")
        String queue;

        @Option(names = {"--search", "-q"}, paramLabel = "TEXT", description = "Only jobs whose payload or error holds TEXT.")
        String search;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("queue", queue);
            query.put("q", search);
            List<JsonNode> jobs = list(server.client().get(ApiClient.path("/api/v1/queues/failed", query)).data(),
                    "failed_jobs");
            PrintWriter out = OrderKpiCli.current().out();
            if (jobs.isEmpty()) {
                out.println("No failed jobs.");
                return 0;
            }
            out.println("Found " + jobs.size() + " failed job(s):");
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode j : jobs) {
                String error = Tables.text(j.get("last_error")).lines().findFirst().orElse("");
                rows.add(List.of(Tables.text(j.get("id")), Tables.text(j.get("queue")), Tables.text(j.get("type")),
                        Tables.text(j.get("attempts")), Tables.text(j.get("failed_at")), error));
            }
            Tables.print(out, List.of("ID", "Queue", "Type", "Attempts", "Failed At", "Error"), rows);
            return 0;
        }
    }

    /** Checks that exactly one of ID and --all was given. */
    static void oneOf(CommandLine.Model.CommandSpec spec, String id, boolean all) {
        if ((id == null) == !all) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either a job ID or --all");
        }
    }

    /** {@code queue retry ID | --all [--queue NAME]}. */
    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Queue failed jobs again: one, or all (of a queue).")
    static final class Retry implements Callable<Integer> {

        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The failed job's id.")
        String id;

        @Option(names = "--all", description = "Every failed job (of --queue when given).")
        boolean all;

        @Option(names = "--queue", paramLabel = "NAME", description = "With --all: only this queue.")
        String queue;

        @Mixin
        ServerOptions server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            oneOf(spec, id, all);
            ApiClient client = server.client();
            PrintWriter out = OrderKpiCli.current().out();
            if (all) {
                JsonNode data = client.post(ApiClient.path("/api/v1/queues/failed/retry-all", queueQuery(queue)), null)
                        .data();
                out.println(count(data, "retried") + " failed job(s) queued again" + of(queue) + ".");
            } else {
                client.post("/api/v1/queues/failed/" + ApiClient.segment(id) + "/retry", null);
                out.println("Failed job " + id + " queued again.");
            }
            return 0;
        }
    }

    /** {@code queue forget ID | --all [--queue NAME]}. */
    @Command(name = "forget", mixinStandardHelpOptions = true, description = "Delete failed jobs: one, or all (of a queue).")
    static final class Forget implements Callable<Integer> {

        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The failed job's id.")
        String id;

        @Option(names = "--all", description = "Every failed job (of --queue when given).")
        boolean all;

        @Option(names = "--queue", paramLabel = "NAME", description = "With --all: only this queue.")
        String queue;

        @Mixin
        ServerOptions server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            oneOf(spec, id, all);
            ApiClient client = server.client();
            PrintWriter out = OrderKpiCli.current().out();
            if (all) {
                JsonNode data = client.delete(ApiClient.path("/api/v1/queues/failed", queueQuery(queue))).data();
                out.println(count(data, "forgotten") + " failed job(s) forgotten" + of(queue) + ".");
            } else {
                client.delete("/api/v1/queues/failed/" + ApiClient.segment(id));
                out.println("Failed job " + id + " forgotten.");
            }
            return 0;
        }
    }

    private static Map<String, Object> queueQuery(String queue) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("queue", queue);
        return query;
    }

    private static String of(String queue) {
        return queue == null ? "" : " in " + queue;
    }

    /** The count a bulk answer reports, under its own name or {@code count}; "All" when it reports none. */
    static String count(JsonNode data, String name) {
        for (String field : List.of(name, "count")) {
            if (data.path(field).isNumber()) {
                return data.get(field).asText();
            }
        }
        return "All";
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
            server.client().post("/api/v1/queues/" + ApiClient.segment(name) + "/pause", null);
            OrderKpiCli.current().out().println("Queue " + name + " paused.");
            return 0;
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
            server.client().post("/api/v1/queues/" + ApiClient.segment(name) + "/continue", null);
            OrderKpiCli.current().out().println("Queue " + name + " continued.");
            return 0;
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
            JsonNode data = server.client().delete("/api/v1/queues/" + ApiClient.segment(name) + "/jobs").data();
            OrderKpiCli.current().out().println(count(data, "cleared") + " pending job(s) cleared from " + name + ".");
            return 0;
        }
    }
}
