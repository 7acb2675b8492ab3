package io.orderkpi.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code orderkpi orders ...}: the order commands. Add a subcommand by writing its class and
 * listing it in {@code subcommands}.
 */
@Command(name = "orders", mixinStandardHelpOptions = true, description = "Order commands.",
        subcommands = {GenerateSampleCommand.class, ImportCommand.class, OrderApiCommands.Process.class,
            OrderApiCommands.ListOrders.class, OrderApiCommands.Stuck.class, OrderApiCommands.Recover.class})
final class OrdersCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "an orders subcommand is required");
    }
}
