package io.orderkpi.server.cli;

import io.orderkpi.core.importer.SampleOrders;
import io.orderkpi.server.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orderkpi orders generate-sample [COUNT] [FILE]}: writes a seed-compatible sample CSV. */
@Command(name = "generate-sample", mixinStandardHelpOptions = true,
        description = "Write realistic sample orders as CSV (deterministic for a given seed).")
final class GenerateSampleCommand implements Callable<Integer> {

    @Parameters(index = "0", defaultValue = "100", paramLabel = "COUNT", description = "Number of orders (default 100).")
    int count;

    @Parameters(index = "1", defaultValue = "sample_orders.csv", paramLabel = "FILE",
            description = "Output file (default sample_orders.csv).")
    Path file;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default 42).")
    long seed;

    @Option(names = "--days", defaultValue = "30", description = "Days the orders span, ending now (default 30).")
    int days;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (count < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "COUNT must be >= 0: " + count);
        }
        if (days < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--days must be >= 1: " + days);
        }
        OrderKpiCli cli = OrderKpiCli.current();
        ServerConfig config = cli.config();
        Path target = cli.workingDir().resolve(file);
        SampleOrders.write(target, SampleOrders.Options.builder().count(count).seed(seed).days(days)
                .zone(config.zone()).currency(config.currency()).build());
        cli.out().printf("Wrote %d sample orders over %d days (seed %d) to %s%n", count, days, seed, target);
        return 0;
    }
}
