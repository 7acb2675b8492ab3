package io.orderkpi.server.cli;

import io.orderkpi.server.OrderKpiServer;
import io.orderkpi.server.ServerConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code orderkpi} command line. Exit codes: 0 success, 1 error, 2 usage error; errors are
 * one line on stderr. Subcommands are classes of this package listed in {@link Root}'s
 * {@code subcommands}; a group ({@code orders}) lists its own. Commands reach the environment,
 * the working directory and the output through {@link #current()} rather than globals, so that
 * tests run them in-process.
 */
public final class OrderKpiCli {

    /** Exit status of a failed command. */
    public static final int ERROR = 1;
    /** Exit status of a usage error (picocli's {@code ExitCode.USAGE}). */
    public static final int USAGE = 2;

    private static final ThreadLocal<OrderKpiCli> CURRENT = new ThreadLocal<>();

    private final Map<String, String> env;
    private final Path workingDir;
    private final PrintWriter out;
    private final PrintWriter err;
    private Consumer<OrderKpiServer> onServerStarted = server -> { };

    public OrderKpiCli(Map<String, String> env, Path workingDir, PrintWriter out, PrintWriter err) {
        this.env = Map.copyOf(env);
        this.workingDir = Objects.requireNonNull(workingDir, "workingDir");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int status = new OrderKpiCli(System.getenv(), Path.of("").toAbsolutePath(), out, err).execute(args);
        System.exit(status);
    }

    /** Called with the server once {@code serve} listens (tests use it to find the port and stop it). */
    public OrderKpiCli onServerStarted(Consumer<OrderKpiServer> listener) {
        this.onServerStarted = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Runs one command line; returns its exit status. */
    public int execute(String... args) {
        CommandLine cli = new CommandLine(new Root());
        // picocli's own message would show a DateTimeParseException.
        cli.registerConverter(LocalDate.class, OrderKpiCli::date);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = e instanceof FileSystemException files ? fileProblem(files)
                    : e.getMessage() != null ? e.getMessage() : e.toString();
            commandLine.getErr().println("error: " + message.lines().findFirst().orElse(message));
            commandLine.getErr().flush();
            return ERROR;
        });
        cli.setParameterExceptionHandler((e, args1) -> {
            PrintWriter w = e.getCommandLine().getErr();
            w.println("error: " + e.getMessage() + " (see --help)");
            w.flush();
            return USAGE;
        });
        OrderKpiCli previous = CURRENT.get();
        CURRENT.set(this);
        try {
            int status = cli.execute(args);
            out.flush();
            err.flush();
            return status;
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** A file that cannot be read or written, with the reason (the JDK's message is only the path). */
    static String fileProblem(FileSystemException e) {
        String reason;
        if (e instanceof NoSuchFileException) {
            reason = "no such file or directory";
        } else if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof NotDirectoryException) {
            reason = "not a directory";
        } else if (e instanceof FileAlreadyExistsException) {
            reason = "already exists";
        } else {
            reason = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        }
        return "cannot use " + e.getFile() + ": " + reason;
    }

    /** A date option: strict YYYY-MM-DD ({@code 2025-02-30} is refused). */
    static LocalDate date(String text) {
        try {
            return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE);
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("not a date of the form YYYY-MM-DD: '" + text + "'");
        }
    }

    /** The invocation a command runs in. */
    static OrderKpiCli current() {
        OrderKpiCli cli = CURRENT.get();
        if (cli == null) {
            throw new IllegalStateException("Commands run through OrderKpiCli.execute");
        }
        return cli;
    }

    Map<String, String> env() {
        return env;
    }

    Path workingDir() {
        return workingDir;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** The configuration of this invocation: environment, properties file, defaults. */
    ServerConfig config() {
        return ServerConfig.load(env, workingDir);
    }

    void serverStarted(OrderKpiServer server) {
        onServerStarted.accept(server);
    }

    /** The root command: only groups and subcommands. */
    @Command(name = "orderkpi", mixinStandardHelpOptions = true, version = "OrderKPI 0.1.0",
            description = "Import and process orders; daily KPIs and leaderboards.",
            subcommands = {ServeCommand.class, OrdersCommand.class, AnalyticsCommand.class, RefundsCommand.class,
                NotificationsCommand.class, QueueCommand.class, OutboxCommand.class, ConfigCommand.class,
                DbCommand.class, CommandLine.HelpCommand.class})
    static final class Root implements Runnable {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
        }
    }
}
