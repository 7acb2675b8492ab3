package io.orderkpi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderkpi.server.cli.OrderKpiCli;
import io.orderkpi.server.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code orderkpi} command line run in a child JVM on this test's classpath, as an operator
 * runs the jar: with its own heap limit, its own signals and its own exit status, none of which an
 * in-process test can show. Its stdout and stderr go to files in the test's directory rather than
 * pipes, because a pipe nobody drains blocks the child once it is full; the log can then be read
 * at any time and attached to a failing assertion. {@link #close()} kills the child if it still
 * runs, so a failing test never leaves a server behind.
 */
final class ChildJvm implements AutoCloseable {

    /** The line {@code serve} prints on stdout once it listens (and its SIGTERM hook is set). */
    private static final Pattern LISTENING = Pattern.compile("OrderKPI listening on (http://\\S+)");

    /**
     * Parent variables kept from the child: any {@code ORDERKPI_*} would change the server under
     * test (a developer's MySQL URL, a token), and the JVM option variables make the launcher
     * print a "Picked up ..." line on stderr, which the tests read.
     */
    private static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
            "_JAVA_OPTIONS");

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ChildJvm(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code java <jvmOptions> -cp <this classpath> OrderKpiCli <args>} in {@code dir}
     * (so no {@code orderkpi.properties} of the developer's is read) with {@code env} as its only
     * {@code ORDERKPI_*} variables.
     */
    static ChildJvm start(Path dir, List<String> jvmOptions, Map<String, String> env, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(OrderKpiCli.class.getName());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "child-", ".stdout");
        Path err = Files.createTempFile(dir, "child-", ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> childEnv = builder.environment();
        childEnv.keySet().removeIf(key -> key.startsWith("ORDERKPI_") || JVM_OPTION_VARIABLES.contains(key));
        childEnv.putAll(env);
        return new ChildJvm(builder.start(), out, err);
    }

    Process process() {
        return process;
    }

    /**
     * Waits for the listening line on stdout and returns the server's base URI (the port it chose
     * for {@code --port 0}); fails at once, with the log, if the child exits first.
     */
    URI awaitListening(Duration timeout) {
        return await("the child's listening line").atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    Matcher matcher = LISTENING.matcher(stdout());
                    if (matcher.find()) {
                        return URI.create(matcher.group(1));
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError("The child exited with " + process.exitValue()
                                + " before listening\n" + log());
                    }
                    return null;
                }, uri -> uri != null);
    }

    /** Fails, with the log, when the child is no longer running (an OutOfMemoryError ends it). */
    void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("The child exited with " + process.exitValue() + "\n" + log());
        }
    }

    /**
     * Sends a request to the child; when the connection fails because the child has died, the
     * failure reported is that death, with the child's log, rather than the client's error.
     */
    HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            assertAlive();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Uploads {@code csv} to the child's import endpoint with {@code query}; returns the import id. */
    String upload(URI base, Path csv, String query) throws IOException {
        HttpRequest post = HttpRequest.newBuilder(base.resolve("/api/v1/imports?" + query))
                .header("Content-Type", "text/csv").timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofFile(csv)).build();
        HttpResponse<String> response = send(post);
        assertThat(response.statusCode()).as(this::log).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).get("data").get("import_id").asText();
    }

    /** The {@code data} of a 200 answer to {@code GET path}. */
    JsonNode data(URI base, String path) throws IOException {
        HttpResponse<String> response = send(
                HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body()).get("data");
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** Both streams, for failure messages. */
    String log() {
        return "--- child stdout\n" + stdout() + "--- child stderr\n" + stderr();
    }

    private static String read(Path file) {
        try {
            // Decoded leniently: a log cut in the middle of a character must still be shown.
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the child if it still runs and waits (bounded) for it to be gone. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
