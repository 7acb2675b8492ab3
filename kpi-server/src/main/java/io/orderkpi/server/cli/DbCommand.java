package io.orderkpi.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code orderkpi db migrate}: creates or updates the MySQL schema. This version stores records in
 * memory only (the MySQL store comes with kpi-mysql), so the command says so and fails, rather
 * than pretending to have migrated something.
 */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Database commands (MySQL).",
        subcommands = {DbCommand.Migrate.class})
final class DbCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a db subcommand is required");
    }

    /** Applies the schema of ORDERKPI_MYSQL_URL. */
    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Create or update the MySQL schema of ORDERKPI_MYSQL_URL.")
    static final class Migrate implements Runnable {

        @Override
        public void run() {
            OrderKpiCli cli = OrderKpiCli.current();
            if (cli.config().mysqlUrl().isEmpty()) {
                throw new CliException("ORDERKPI_MYSQL_URL is not set: db migrate creates or updates the schema "
                        + "of that MySQL database");
            }
            throw new CliException("This version keeps records in memory only; the MySQL store (kpi-mysql) and "
                    + "its migrations are not available yet");
        }
    }
}
