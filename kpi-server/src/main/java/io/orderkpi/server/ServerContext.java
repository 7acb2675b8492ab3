package io.orderkpi.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orderkpi.core.OrderKpi;
import java.time.Clock;
import java.time.LocalDate;

/**
 * What route groups get to work with: the running facade, the configuration, the meter registry,
 * the server's background jobs and the notification channels. Immutable; every part is thread-safe.
 */
public record ServerContext(OrderKpi kpi, ServerConfig config, PrometheusMeterRegistry meters,
        BackgroundJobs jobs, ServerState state, NotifierWiring notifiers) {

    /** Today in the configured zone. */
    public LocalDate today() {
        return LocalDate.now(Clock.system(kpi.zone()).withZone(kpi.zone()));
    }
}
