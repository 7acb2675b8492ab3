package io.orderkpi.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * Arbitrary environments and properties files (RELIABILITY R8): {@link ServerConfig#load} either
 * gives a configuration, which loads again to the same values from its own raw values, or fails
 * with a {@link ConfigException} whose message is one line that starts with the key (or the file)
 * it is about and never shows a secret. Nothing else may escape.
 *
 * <p>The input is text: {@code NAME=value} lines as the environment ({@code ORDERKPI_} is put in
 * front of a name without it), then, after a line {@code #file}, the bytes of
 * {@code orderkpi.properties}. An environment cannot hold a NUL, so NULs are dropped from it; a
 * value of {@code ORDERKPI_CONFIG} with a {@code /} is skipped, so that the fuzzer never reads
 * arbitrary files of the machine (a device that never ends, say).
 */
class ServerConfigFuzzTest {

    private static final byte[] FILE_MARK = "\n#file\n".getBytes(StandardCharsets.US_ASCII);
    private static final Path WORK_DIR;
    private static final Path EMPTY_DIR;

    static {
        try {
            WORK_DIR = Files.createTempDirectory("config-fuzz");
            EMPTY_DIR = Files.createTempDirectory("config-fuzz-empty");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @AfterAll
    static void removeFiles() throws IOException {
        for (Path dir : new Path[] {WORK_DIR, EMPTY_DIR}) {
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
            }
        }
    }

    @FuzzTest(maxDuration = "3m")
    @DictionaryEntries({"PORT=", "WORKERS=", "API_TOKEN=", "READ_TOKEN=", "MYSQL_URL=jdbc:mysql://u:p@h/db",
            "REDIS_URL=redis://:pw@h:6379/0", "QUEUE=", "TIMEZONE=Europe/Berlin", "CURRENCY=", "NOTIFY_CHANNELS=email",
            "SMTP_HOST=", "SMTP_FROM=a@b", "SMTP_USER=", "SMTP_PASSWORD=", "SMTP_TLS=", "SIM_SEED=",
            "MAX_BODY_BYTES=", "STOCK_FAILURE_RATE=", "CONFIG=", "ORDERKPI_PORT=", "ORDERKPI_BIND=", "#file",
            "\\u00", "0123456789abcdef"})
    void anyConfigurationLoadsOrNamesTheKeyInOneLine(byte[] input) throws IOException {
        int mark = indexOf(input, FILE_MARK);
        String envText = new String(input, 0, mark < 0 ? input.length : mark, StandardCharsets.UTF_8).replace("\0", "");
        Map<String, String> env = environment(envText);
        if (env.getOrDefault(ServerConfig.CONFIG_FILE_ENV, "").contains("/")) {
            return;
        }
        Path file = WORK_DIR.resolve(ServerConfig.DEFAULT_CONFIG_FILE);
        if (mark < 0) {
            Files.deleteIfExists(file);
        } else {
            Files.write(file, Arrays.copyOfRange(input, mark + FILE_MARK.length, input.length));
        }
        ServerConfig config;
        try {
            config = ServerConfig.load(env, WORK_DIR);
        } catch (ConfigException refused) {
            assertOneLineNamingItsKey(refused.getMessage(), env);
            return;
        }
        Map<String, String> raw = new LinkedHashMap<>();
        ServerConfig.keys().forEach(key -> raw.put(key.name(), config.raw(key.name())));
        ServerConfig again = ServerConfig.load(raw, EMPTY_DIR);
        ServerConfig.keys().forEach(key -> assertThat(again.raw(key.name())).as(key.name())
                .isEqualTo(raw.get(key.name())));
        assertThat(again.redacted()).isEqualTo(config.redacted());
        assertThat(config.toString()).isEqualTo(again.toString());
    }

    private static void assertOneLineNamingItsKey(String message, Map<String, String> env) {
        assertThat(message).isNotBlank().doesNotContain("\n", "\r", "\u2028", "\u2029");
        String configFile = env.getOrDefault(ServerConfig.CONFIG_FILE_ENV, "").strip();
        boolean namesKey = ServerConfig.keys().stream().anyMatch(key -> message.startsWith(key.name() + ":"))
                || message.startsWith(ServerConfig.CONFIG_FILE_ENV + ":")
                || message.startsWith(ServerConfig.DEFAULT_CONFIG_FILE + ":")
                || message.startsWith(WORK_DIR.resolve(ServerConfig.DEFAULT_CONFIG_FILE) + ":")
                || !configFile.isEmpty() && (message.startsWith(configFile + ":")
                        || message.startsWith(WORK_DIR.resolve(configFile) + ":"));
        assertThat(namesKey).as("names its key or file: " + message).isTrue();
        // An error about a secret never shows it (another key's error may echo a value that happens to hold it).
        for (ConfigKey key : ServerConfig.keys()) {
            String value = env.getOrDefault(key.name(), "").strip();
            if (key.secrecy() == ConfigKey.Secrecy.SECRET && value.length() >= 8 && message.startsWith(key.name() + ":")) {
                assertThat(message).as("shows " + key.name()).doesNotContain(value);
            }
        }
    }

    /** {@code NAME=value} lines; a line without {@code =} sets nothing. */
    private static Map<String, String> environment(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String name = line.substring(0, eq);
                env.put(name.startsWith("ORDERKPI_") ? name : "ORDERKPI_" + name, line.substring(eq + 1));
            }
        }
        return env;
    }

    private static int indexOf(byte[] bytes, byte[] wanted) {
        outer:
        for (int i = 0; i + wanted.length <= bytes.length; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (bytes[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
