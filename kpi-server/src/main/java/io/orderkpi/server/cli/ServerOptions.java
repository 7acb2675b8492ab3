package io.orderkpi.server.cli;

import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options of every command that talks to a running server: {@code --server} (env
 * {@code ORDERKPI_URL}) and {@code --token} (env {@code ORDERKPI_TOKEN}). A picocli mixin, so
 * each command shows them in its own {@code --help}.
 */
final class ServerOptions {

    static final String URL_ENV = "ORDERKPI_URL";
    static final String TOKEN_ENV = "ORDERKPI_TOKEN";
    static final String DEFAULT_URL = "http://127.0.0.1:8088";

    @Option(names = "--server", paramLabel = "URL",
            description = "Server URL (default env ORDERKPI_URL, else " + DEFAULT_URL + ").")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "API token sent as 'Authorization: Bearer' (default env ORDERKPI_TOKEN).")
    String token;

    /** A client for this invocation: options over environment over defaults. */
    ApiClient client() {
        OrderKpiCli cli = OrderKpiCli.current();
        String url = firstNonBlank(server, cli.env().get(URL_ENV)).orElse(DEFAULT_URL);
        Optional<String> bearer = firstNonBlank(token, cli.env().get(TOKEN_ENV));
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new CliException("Not a server URL: '" + url + "'");
        }
        if (base.getScheme() == null || base.getHost() == null
                || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new CliException("Not a server URL: '" + url + "' (expected http://host:port)");
        }
        return new ApiClient(base, bearer);
    }

    private static Optional<String> firstNonBlank(String option, String env) {
        if (option != null && !option.isBlank()) {
            return Optional.of(option.strip());
        }
        return env != null && !env.isBlank() ? Optional.of(env.strip()) : Optional.empty();
    }
}
