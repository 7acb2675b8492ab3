package io.orderkpi.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.server.cli.Listing.Column;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code orderkpi notifications list}: the notification history over the HTTP API. */
@Command(name = "notifications", mixinStandardHelpOptions = true, description = "Notification commands.",
        subcommands = {NotificationsCommand.ListNotifications.class})
final class NotificationsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a notifications subcommand is required");
    }

    /** {@code notifications list [--order-id --customer-id --type --status --limit]}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List notifications, newest first.")
    static final class ListNotifications implements Callable<Integer> {

        private static final List<Column> COLUMNS = List.of(Column.text("Order ID", "order_id"),
                Column.text("Refund ID", "refund_id"), Column.text("Customer", "customer_id"),
                Column.text("Type", "type"), Column.text("Channel", "channel"), Column.text("State", "state"),
                Column.text("Attempts", "attempts"), Column.text("Sent At", "sent_at"),
                // A notification without an error shows an empty cell, not "-": nothing went wrong.
                new Column("Error", n -> n.hasNonNull("error_message") ? Tables.text(n.get("error_message")) : ""));

        @Option(names = "--order-id", paramLabel = "ID", description = "Only this order's notifications.")
        Long orderId;

        @Option(names = "--customer-id", paramLabel = "ID", description = "Only this customer's notifications.")
        String customerId;

        @Option(names = "--type", description = "order_completed, order_failed or refund_processed.")
        String type;

        @Option(names = "--status", description = "pending, sent or failed.")
        String status;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many, 1..500 (default 50).")
        int limit;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            JsonNode data = Listing.get(server, "/api/v1/notifications", ApiClient.params("order_id", orderId,
                    "customer_id", customerId, "type", type, "state", status, "limit", limit));
            Listing.print(OrderKpiCli.current().out(), Tables.elements(data.get("notifications")),
                    "No notifications found.", "notification(s):", COLUMNS);
            return 0;
        }
    }
}
