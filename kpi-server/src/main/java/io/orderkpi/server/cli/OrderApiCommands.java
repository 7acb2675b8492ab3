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

/** The {@code orders} subcommands that talk to a running server: process, list, stuck, recover. */
final class OrderApiCommands {

    private OrderApiCommands() {
    }

    /** Prints orders as the seed's table: ID, Order Number, Customer, Status, Total, Placed At. */
    static void printOrders(PrintWriter out, List<JsonNode> orders) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode o : orders) {
            rows.add(List.of(Tables.text(o.get("id")), Tables.text(o.get("order_number")),
                    Tables.text(o.get("customer_id")), Tables.text(o.get("status")),
                    Tables.amount(o.get("total_amount"), o.get("currency")), Tables.text(o.get("placed_at"))));
        }
        Tables.print(out, List.of("ID", "Order Number", "Customer", "Status", "Total", "Placed At"), rows);
    }

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
            OrderKpiCli cli = OrderKpiCli.current();
            ApiClient client = server.client();
            if (allPending) {
                JsonNode data = client.post("/api/v1/orders/process-pending", null).data();
                cli.out().println("Pending orders queued for processing" + jobSuffix(data) + ".");
            } else {
                JsonNode data = client.post("/api/v1/orders/" + id + "/process", null).data();
                cli.out().println("Order " + id + " queued for processing" + jobSuffix(data) + ".");
            }
            return 0;
        }
    }

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
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("status", status);
            query.put("customer_id", customerId);
            query.put("order_number", orderNumber);
            query.put("limit", limit);
            JsonNode data = server.client().get(ApiClient.path("/api/v1/orders", query)).data();
            List<JsonNode> orders = Tables.elements(data.get("orders"));
            PrintWriter out = OrderKpiCli.current().out();
            if (orders.isEmpty()) {
                out.println("No orders found.");
                return 0;
            }
            out.println("Found " + orders.size() + " order(s):");
            printOrders(out, orders);
            if (data.hasNonNull("next_cursor")) {
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
            JsonNode data = server.client().get(ApiClient.path("/api/v1/orders/stuck", Map.of("minutes", minutes)))
                    .data();
            List<JsonNode> orders = Tables.elements(data.get("orders"));
            PrintWriter out = OrderKpiCli.current().out();
            if (orders.isEmpty()) {
                out.println("No stuck orders.");
                return 0;
            }
            out.println("Found " + orders.size() + " stuck order(s); queue them again with: orders recover");
            printOrders(out, orders);
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
            JsonNode data = server.client().post("/api/v1/orders/recover", null).data();
            JsonNode queued = data.get("queued");
            OrderKpiCli.current().out().println((queued != null && queued.isNumber()
                    ? queued.asText() + " stuck order(s)" : "Stuck orders") + " queued again" + jobSuffix(data) + ".");
            return 0;
        }
    }
}
