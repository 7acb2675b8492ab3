package io.orderkpi.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.server.cli.Listing.Column;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orderkpi outbox ...}: the outbox's dead letters (SPEC §8), over the HTTP API. */
@Command(name = "outbox", mixinStandardHelpOptions = true, description = "Outbox dead letters: list and redeliver.",
        subcommands = {OutboxCommand.DeadLetters.class, OutboxCommand.Redeliver.class})
final class OutboxCommand implements Runnable {

    private static final String BASE = "/api/v1/outbox/dead-letters";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "an outbox subcommand is required");
    }

    /** {@code outbox dead-letters [--subscriber NAME] [--limit N]}. */
    @Command(name = "dead-letters", mixinStandardHelpOptions = true,
            description = "List events subscribers could not handle, newest first.")
    static final class DeadLetters implements Callable<Integer> {

        private static final List<Column> COLUMNS = List.of(Column.text("Subscriber", "subscriber"),
                Column.text("Sequence", "sequence"), Column.text("Order", "order_id"),
                Column.text("Event", "event_type"), Column.text("Dead-lettered At", "dead_lettered_at"),
                // The first line only: a stack trace would break the table.
                new Column("Error", d -> Tables.text(d.get("error")).lines().findFirst().orElse("")));

        @Option(names = "--subscriber", paramLabel = "NAME", description = "Only this subscriber's dead letters.")
        String subscriber;

        @Option(names = "--limit", paramLabel = "N", description = "At most this many (default 50, max 500).")
        Integer limit;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            JsonNode data = Listing.get(server, BASE, ApiClient.params("subscriber", subscriber, "limit", limit));
            PrintWriter out = OrderKpiCli.current().out();
            boolean any = Listing.print(out, QueueCommand.list(data, "dead_letters"), "No dead letters.",
                    "dead letter(s):", COLUMNS);
            if (any) {
                if (!data.path("next_cursor").isNull()) {
                    out.println("There are more; show more with --limit (up to 500).");
                }
                out.println("Deliver them again with: outbox redeliver SUBSCRIBER SEQUENCE (or --all)");
            }
            return 0;
        }
    }

    /** {@code outbox redeliver SUBSCRIBER SEQUENCE | SUBSCRIBER --all | --all}. */
    @Command(name = "redeliver", mixinStandardHelpOptions = true,
            description = "Deliver dead letters again: one, every one of a subscriber, or every one.")
    static final class Redeliver implements Callable<Integer> {

        @Parameters(index = "0", arity = "0..1", paramLabel = "SUBSCRIBER", description = "The subscriber.")
        String subscriber;

        @Parameters(index = "1", arity = "0..1", paramLabel = "SEQUENCE", description = "The event's sequence.")
        Long sequence;

        @Option(names = "--all", description = "Every dead letter (of SUBSCRIBER when given).")
        boolean all;

        @Mixin
        ServerOptions server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (all == (sequence != null) || (!all && subscriber == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "give SUBSCRIBER SEQUENCE, or --all (optionally after SUBSCRIBER)");
            }
            if (all) {
                String of = subscriber == null ? "" : " of " + subscriber;
                return Actions.post(server, ApiClient.path(BASE + "/redeliver-all",
                        ApiClient.params("subscriber", subscriber)),
                        data -> Actions.count(data, "redelivered") + " dead letter(s)" + of + " queued for delivery.");
            }
            return Actions.post(server, BASE + "/" + ApiClient.segment(subscriber) + "/" + sequence + "/redeliver",
                    data -> "Dead letter " + sequence + " of " + subscriber + " queued for delivery.");
        }
    }
}
