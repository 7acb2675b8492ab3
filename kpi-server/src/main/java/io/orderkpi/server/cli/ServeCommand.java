package io.orderkpi.server.cli;

import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.ServerConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orderkpi serve}: runs the HTTP API until SIGTERM (which drains the workers and exits 0). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the HTTP API and the workers until stopped (SIGTERM drains and exits 0).")
final class ServeCommand implements Callable<Integer> {

    static final int DEFAULT_DEMO_ORDERS = 5_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", description = "Port to listen on (default ORDERKPI_PORT, 8088; 0 = any free port).")
    Integer port;

    @Option(names = "--bind", description = "Address to listen on (default ORDERKPI_BIND, 127.0.0.1).")
    String bind;

    @Option(names = "--workers", description = "Total worker threads (default ORDERKPI_WORKERS, 8).")
    Integer workers;

    @Option(names = "--demo", arity = "0..1", fallbackValue = "" + DEFAULT_DEMO_ORDERS, paramLabel = "N",
            description = "Import N sample orders of the last 7 days at start (default ${FALLBACK-VALUE});"
                    + " always in-memory stores and the log channel.")
    Integer demo;

    @Override
    public Integer call() throws InterruptedException {
        OrderKpiCli cli = OrderKpiCli.current();
        ServerConfig config = cli.config();
        if (port != null) {
            config = config.withPort(port);
        }
        if (bind != null) {
            config = config.withBind(bind);
        }
        if (workers != null) {
            config = config.withWorkers(workers);
        }
        if (demo != null) {
            if (demo < 1) {
                // A usage error (exit 2), like any other malformed option.
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--demo: not a positive number of orders '" + demo + "'");
            }
            config = config.withDemoOrders(demo);
        }
        OrderKpiServer server = OrderKpiServer.start(config);
        server.closeOnShutdown();
        cli.out().println("OrderKPI listening on " + server.uri() + (config.isDemo()
                ? " (demo: " + config.demoOrders() + " sample orders loading)" : ""));
        cli.out().println("Dashboard: " + server.dashboardUri());
        cli.out().flush();
        cli.serverStarted(server);
        server.awaitClosed();
        return 0;
    }
}
