package io.orderkpi.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.server.cli.Listing.Column;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orderkpi refunds ...}: request and list refunds over the HTTP API. */
@Command(name = "refunds", mixinStandardHelpOptions = true, description = "Refund commands.",
        subcommands = {RefundsCommand.Process.class, RefundsCommand.ListRefunds.class})
final class RefundsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a refunds subcommand is required");
    }

    /** The kinds of refund. */
    enum Type { full, partial }

    /** {@code refunds process ORDER_ID [--amount --type full|partial --reason --refund-id]}. */
    @Command(name = "process", mixinStandardHelpOptions = true,
            description = {"Refund an order, fully or in part. --amount alone means a partial refund; no --amount,"
                + " a full one. The same --refund-id again returns the first refund (safe to retry)."})
    static final class Process implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "ORDER_ID", description = "The order id.")
        long orderId;

        @Option(names = "--amount", description = "Amount to refund, > 0 with at most 2 decimals (partial).")
        BigDecimal amount;

        @Option(names = "--type", description = "${COMPLETION-CANDIDATES} (default: partial with --amount, else full).")
        Type type;

        @Option(names = "--reason", description = "Why; kept with the refund and shown in the notification.")
        String reason;

        @Option(names = "--refund-id", paramLabel = "ID", description = "Your id for the refund (generated when absent).")
        String refundId;

        @Mixin
        ServerOptions server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Type effective = type != null ? type : amount != null ? Type.partial : Type.full;
            if (effective == Type.partial && amount == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "a partial refund needs --amount");
            }
            if (amount != null && (amount.signum() <= 0 || amount.stripTrailingZeros().scale() > 2)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--amount must be > 0 with at most 2 decimals: " + amount.toPlainString());
            }
            Map<String, Object> body = ApiClient.params("type", effective.name(), "amount", amount, "reason", reason,
                    "refund_id", refundId);
            ApiClient.ApiResponse response = server.client().post("/api/v1/orders/" + orderId + "/refunds", body);
            OrderKpiCli.current().out().println(describe(response.data(), response.status() == 200));
            return 0;
        }

        static String describe(JsonNode refund, boolean alreadyKnown) {
            String text = "Refund " + Tables.text(refund.get("refund_id")) + " of order " + Tables.text(refund.get("order_id"))
                    + ": " + Tables.text(refund.get("type")) + " " + Tables.money(refund.get("amount"))
                    + ", status " + Tables.text(refund.get("status"));
            return alreadyKnown ? text + " (already requested earlier; nothing changed)" : text;
        }
    }

    /** {@code refunds list [--order-id --customer-id --status --type --limit]}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List refunds, newest first.")
    static final class ListRefunds implements Callable<Integer> {

        private static final List<Column> COLUMNS = List.of(Column.text("Refund ID", "refund_id"),
                Column.text("Order ID", "order_id"), Column.text("Customer", "customer_id"), Column.text("Type", "type"),
                Column.money("Amount", "amount"), Column.text("Status", "status"), Column.text("Created At", "created_at"));

        @Option(names = "--order-id", paramLabel = "ID", description = "Only this order's refunds.")
        Long orderId;

        @Option(names = "--customer-id", paramLabel = "ID", description = "Only this customer's refunds.")
        String customerId;

        @Option(names = "--status", description = "pending, processing, completed or failed.")
        String status;

        @Option(names = "--type", description = "full or partial.")
        String type;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many, 1..500 (default 50).")
        int limit;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            JsonNode data = Listing.get(server, "/api/v1/refunds", ApiClient.params("order_id", orderId,
                    "customer_id", customerId, "status", status, "type", type, "limit", limit));
            Listing.print(OrderKpiCli.current().out(), Tables.elements(data.get("refunds")), "No refunds found.",
                    "refund(s):", COLUMNS);
            return 0;
        }
    }
}
