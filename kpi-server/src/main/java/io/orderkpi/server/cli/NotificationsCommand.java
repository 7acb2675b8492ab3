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
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("order_id", orderId);
            query.put("customer_id", customerId);
            query.put("type", type);
            query.put("state", status);
            query.put("limit", limit);
            List<JsonNode> list = Tables.elements(
                    server.client().get(ApiClient.path("/api/v1/notifications", query)).data().get("notifications"));
            PrintWriter out = OrderKpiCli.current().out();
            if (list.isEmpty()) {
                out.println("No notifications found.");
                return 0;
            }
            out.println("Found " + list.size() + " notification(s):");
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode n : list) {
                rows.add(List.of(Tables.text(n.get("order_id")), Tables.text(n.get("refund_id")),
                        Tables.text(n.get("customer_id")), Tables.text(n.get("type")), Tables.text(n.get("channel")),
                        Tables.text(n.get("state")), Tables.text(n.get("attempts")), Tables.text(n.get("sent_at")),
                        n.hasNonNull("error_message") ? Tables.text(n.get("error_message")) : ""));
            }
            Tables.print(out, List.of("Order ID", "Refund ID", "Customer", "Type", "Channel", "State", "Attempts",
                    "Sent At", "Error"), rows);
            return 0;
        }
    }
}
