package io.orderkpi.server.routes;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.server.ServerConfig;
import io.orderkpi.server.http.Routes;
import java.util.List;
import java.util.Objects;

/**
 * Every operations endpoint group (orders, imports, refunds, notifications, queues, outbox), for the
 * server bootstrap to add to its router next to health, metrics and analytics.
 */
public final class OperationsRoutes {

    private OperationsRoutes() {
    }

    /**
     * The operations route groups of one server.
     *
     * @param kpi    the running facade the endpoints work on
     * @param config the server's configuration (limits are enforced by the server itself; kept so
     *               that groups needing settings get them without a signature change)
     */
    public static List<Routes> operations(OrderKpi kpi, ServerConfig config) {
        Objects.requireNonNull(kpi, "kpi");
        Objects.requireNonNull(config, "config");
        return List.of(new OrderRoutes(kpi), new ImportRoutes(kpi), new RefundRoutes(kpi), new NotificationRoutes(kpi),
                new QueueRoutes(kpi), new OutboxRoutes(kpi));
    }
}
