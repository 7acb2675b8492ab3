package io.orderkpi.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orderkpi.core.OrderKpi;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What route groups get to work with: the running facade, the configuration, the meter registry,
 * the server's background jobs, the notification channels and the readiness probes of the stores
 * (named {@code mysql}/{@code records} and {@code redis}/{@code kpis}, each answering {@code ok}
 * or the reason). Immutable; every part is thread-safe.
 */
public record ServerContext(OrderKpi kpi, ServerConfig config, PrometheusMeterRegistry meters,
        BackgroundJobs jobs, ServerState state, NotifierWiring notifiers, Map<String, Supplier<String>> storeChecks) {

    public ServerContext {
        // In the order /ready lists them.
        storeChecks = Collections.unmodifiableMap(new LinkedHashMap<>(storeChecks));
    }

    /** Today in the configured zone. */
    public LocalDate today() {
        return LocalDate.now(Clock.system(kpi.zone()).withZone(kpi.zone()));
    }
}
