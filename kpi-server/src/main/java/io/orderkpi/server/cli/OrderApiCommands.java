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

/** The {@code orders} subcommands that talk to a running server: process, list, stuck, recover. */
final class OrderApiCommands {

    private OrderApiCommands() {
    }

    /** Orders as the seed's table shows them. */
    static final List<Column> ORDER_COLUMNS = List.of(Column.text("ID", "id"),
            Column.text("Order Number", "order_number"), Column.text("Customer", "customer_id"),
            Column.text("Status", "status"), new Column("Total", o -> Tables.amount(o.get("total_amount"), o.get("currency"))),
            Column.text("Placed At", "placed_at"));

    /** {@code orders process ID | --all-pending}. */
    @Command(name = "process", mixinStandardHelpOptions = true,
            description = "Queue one order, or every pending order, for the workflow (seed's orders:process).")
    static final class Process implements Callable<Integer> {

        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The order id.")
        Long id;

        @Option(names = "--all-pending", description = "Queue every pending order (paged on the server).")
        boolean allPending;

        @Mixin
        ServerOptions server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if ((id == null) == !allPending) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give either an order ID or --all-pending");
            }
            return allPending
                    ? Actions.post(server, "/api/v1/orders/process-pending",
                            data -> data.path("queued").asLong() + " pending order(s) queued for processing.")
                    : Actions.post(server, "/api/v1/orders/" + id + "/process",
                            data -> "Order " + id + " queued for processing" + jobSuffix(data) + ".");
        }
    }

    /** " (job ID)" when the answer names the job it queued. */
    static String jobSuffix(JsonNode data) {
        JsonNode job = data.get("job_id");
        return job == null || job.isNull() ? "" : " (job " + job.asText() + ")";
    }

    /** {@code orders list [--status --customer-id --order-number --limit]}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List orders, newest first.")
    static final class ListOrders implements Callable<Integer> {

        @Option(names = "--status", description = "Only this status (pending, completed, cancelled, ...).")
        String status;

        @Option(names = "--customer-id", paramLabel = "ID", description = "Only this customer's orders.")
        String customerId;

        @Option(names = "--order-number", paramLabel = "NUMBER", description = "Only this order number.")
        String orderNumber;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many, 1..500 (default 50).")
        int limit;

        @Mixin
        ServerOptions server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 500) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1..500: " + limit);
            }
            JsonNode data = Listing.get(server, "/api/v1/orders", ApiClient.params("status", status,
                    "customer_id", customerId, "order_number", orderNumber, "limit", limit));
            PrintWriter out = OrderKpiCli.current().out();
            boolean any = Listing.print(out, Tables.elements(data.get("orders")), "No orders found.", "order(s):",
                    ORDER_COLUMNS);
            // Only the first page is shown: the list is for a look, not an export.
            if (any && data.hasNonNull("next_cursor")) {
                out.println("More orders match; raise --limit or narrow the filters.");
            }
            return 0;
        }
    }

    /** {@code orders stuck [--minutes 15]}. */
    @Command(name = "stuck", mixinStandardHelpOptions = true,
            description = "List orders left in an intermediate status after their last attempt.")
    static final class Stuck implements Callable<Integer> {

        @Option(names = "--minutes", defaultValue = "15", description = "Unchanged for at least this long (default 15).")
        int minutes;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            JsonNode data = Listing.get(server, "/api/v1/orders/stuck", ApiClient.params("minutes", minutes));
            Listing.print(OrderKpiCli.current().out(), Tables.elements(data.get("orders")), "No stuck orders.",
                    "stuck order(s); queue them again with: orders recover", ORDER_COLUMNS);
            return 0;
        }
    }

    /** {@code orders recover}. */
    @Command(name = "recover", mixinStandardHelpOptions = true, description = "Queue every stuck order again.")
    static final class Recover implements Callable<Integer> {

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            return Actions.post(server, "/api/v1/orders/recover", data -> (data.path("queued").isNumber()
                    ? data.get("queued").asText() + " stuck order(s)" : "Stuck orders") + " queued again" + jobSuffix(data) + ".");
        }
    }
}
