package io.orderkpi.server.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code orderkpi config print}: the effective configuration, secrets redacted. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration commands.",
        subcommands = {ConfigCommand.Print.class})
final class ConfigCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a config subcommand is required");
    }

    /** Prints KEY=value lines: environment over orderkpi.properties over defaults. */
    @Command(name = "print", mixinStandardHelpOptions = true,
            description = "Print the effective configuration (environment, then orderkpi.properties, then defaults);"
                    + " tokens and passwords are shown as ****.")
    static final class Print implements Runnable {

        @Override
        public void run() {
            OrderKpiCli cli = OrderKpiCli.current();
            for (Map.Entry<String, String> entry : cli.config().redacted().entrySet()) {
                cli.out().println(entry.getKey() + "=" + entry.getValue());
            }
        }
    }
}
