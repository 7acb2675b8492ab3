package io.orderkpi.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;

/**
 * What the action commands share (queue retry, pause, clear; orders process, recover): one
 * request without a body, then one line made from the answer, often the count it reports.
 */
final class Actions {

    private Actions() {
    }

    /** POSTs {@code path} with an empty body and prints {@code report} of the answer's data; exit 0. */
    static int post(ServerOptions server, String path, Function<JsonNode, String> report) {
        return print(server.client().post(path, null).data(), report);
    }

    /** DELETEs {@code path} and prints {@code report} of the answer's data; exit 0. */
    static int delete(ServerOptions server, String path, Function<JsonNode, String> report) {
        return print(server.client().delete(path).data(), report);
    }

    private static int print(JsonNode data, Function<JsonNode, String> report) {
        OrderKpiCli.current().out().println(report.apply(data));
        return 0;
    }

    /** The count a bulk answer reports, under its own name or {@code count}; "All" when it reports none. */
    static String count(JsonNode data, String name) {
        for (String field : List.of(name, "count")) {
            if (data.path(field).isNumber()) {
                return data.get(field).asText();
            }
        }
        return "All";
    }
}
