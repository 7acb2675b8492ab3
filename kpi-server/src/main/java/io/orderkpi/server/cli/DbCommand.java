package io.orderkpi.server.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.orderkpi.core.lang.StoreUnavailableException;
import io.orderkpi.mysql.MySqlDataSources;
import io.orderkpi.mysql.MySqlSchema;
import io.orderkpi.mysql.SchemaMigration;
import io.orderkpi.server.ServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code orderkpi db migrate}: creates or updates the MySQL schema of {@code ORDERKPI_MYSQL_URL}
 * (Flyway), for operators who start the server with {@code ORDERKPI_MYSQL_MIGRATE=validate} or
 * {@code off}.
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
            ServerConfig config = cli.config();
            try (HikariDataSource pool = MySqlDataSources.pool(config.mysqlUrl().get(),
                    config.mysqlUser().orElse(null), config.mysqlPassword().orElse(null))) {
                int applied = MySqlSchema.apply(pool, SchemaMigration.AUTO);
                cli.out().println(applied == 0 ? "The schema is up to date."
                        : "Applied " + applied + " migration(s); the schema is up to date.");
            } catch (StoreUnavailableException e) {
                throw new CliException("db migrate: " + e.getMessage());
            }
        }
    }
}
