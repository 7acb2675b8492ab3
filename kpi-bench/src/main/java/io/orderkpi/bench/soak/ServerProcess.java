package io.orderkpi.bench.soak;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import io.orderkpi.server.cli.OrderKpiCli;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The server under test as an operator runs it: {@code orderkpi serve} in a JVM of its own, so its
 * heap and threads are its own and nothing of the load generator's is counted. Its heap and
 * threads are read over JMX through the attach API (a local connector, no port opened); its
 * output goes to files, shown when it fails.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("OrderKPI listening on (http://\\S+)");
    /** A fixed heap makes a leak show sooner and keeps the figures comparable between runs. */
    static final String HEAP = "-Xmx256m";

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private JMXConnector jmx;
    private MemoryMXBean memory;
    private ThreadMXBean threads;

    private ServerProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts the server on this JVM's class path (the bench jar holds the server) in {@code dir}
     * (where no {@code orderkpi.properties} lies) with {@code settings} as its only
     * {@code ORDERKPI_*} variables.
     */
    static ServerProcess start(Path dir, Map<String, String> settings) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(HEAP);
        command.add("-Djava.io.tmpdir=" + dir);
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        // Absolute, because the child runs in another directory.
        command.add(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator)));
        command.add(OrderKpiCli.class.getName());
        command.addAll(List.of("serve", "--port", "0"));
        Path out = dir.resolve("server.stdout");
        Path err = dir.resolve("server.stderr");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        // A developer's ORDERKPI_* (a token, another database) would change the server under test.
        builder.environment().keySet().removeIf(key -> key.startsWith("ORDERKPI_")
                || key.equals("JAVA_TOOL_OPTIONS") || key.equals("JDK_JAVA_OPTIONS"));
        builder.environment().putAll(settings);
        return new ServerProcess(builder.start(), out, err);
    }

    /** Waits (bounded) for the line {@code serve} prints once it listens; the server's base URI. */
    URI awaitListening(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = LISTENING.matcher(Files.readString(stdout, StandardCharsets.UTF_8));
            if (matcher.find()) {
                return URI.create(matcher.group(1));
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue()
                        + " before listening\n" + log());
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the server did not listen within " + Durations.text(timeout) + "\n" + log());
    }

    /** Connects to the server's platform MBeans through a local JMX agent started by attaching. */
    void attach() throws IOException {
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(process.pid()));
            try {
                jmx = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException e) {
            throw new IOException("cannot attach to the server's JVM (pid " + process.pid() + "): " + e.getMessage(), e);
        }
        memory = ManagementFactory.newPlatformMXBeanProxy(jmx.getMBeanServerConnection(),
                ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        threads = ManagementFactory.newPlatformMXBeanProxy(jmx.getMBeanServerConnection(),
                ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
    }

    /** Heap in use right after a full collection the server is asked for. */
    long heapAfterGc() {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    int liveThreads() {
        return threads.getThreadCount();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Asks the server to stop (SIGTERM) and waits for it; its exit status, or -1 if it had to be killed. */
    int stop(Duration grace) throws InterruptedException {
        closeJmx();
        process.destroy();
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        return -1;
    }

    /** The last lines of both streams, for failure messages. */
    String log() {
        return "--- server stdout\n" + tail(stdout) + "--- server stderr\n" + tail(stderr);
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")\n";
        }
    }

    private void closeJmx() {
        if (jmx != null) {
            try {
                jmx.close();
            } catch (IOException e) {
                // The server is being stopped; a connector that cannot close cleanly changes nothing.
            }
            jmx = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        closeJmx();
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
