package io.orderkpi.server.routes;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.notification.Notification;
import io.orderkpi.core.notification.NotificationState;
import io.orderkpi.core.notification.NotificationType;
import io.orderkpi.core.spi.NotificationQuery;
import io.orderkpi.core.spi.Page;
import io.orderkpi.server.http.ApiException;
import io.orderkpi.server.http.Request;
import io.orderkpi.server.http.Response;
import io.orderkpi.server.http.Router;
import io.orderkpi.server.http.Routes;
import java.util.Objects;
import java.util.Optional;

/**
 * The notification history (SPEC §7, §9), newest first and filtered. {@code status} is accepted
 * as an alias of {@code state}, as the seed's CLI names it.
 */
public final class NotificationRoutes implements Routes {

    private final OrderKpi kpi;

    public NotificationRoutes(OrderKpi kpi) {
        this.kpi = Objects.requireNonNull(kpi, "kpi");
    }

    @Override
    public void register(Router router) {
        router.get("/api/v1/notifications", this::list);
    }

    private Response list(Request request) {
        Optional<String> state = request.query("state");
        Optional<String> status = request.query("status");
        if (state.isPresent() && status.isPresent() && !state.get().equalsIgnoreCase(status.get())) {
            throw ApiException.badRequest("state and its alias status disagree; give one of them");
        }
        NotificationQuery query = new NotificationQuery(
                request.query("order_id").map(RefundRoutes::id).orElse(null),
                request.query("customer_id").orElse(null),
                request.query("type").map(t -> NotificationType.fromWireName(t).orElseThrow(() -> ApiException
                        .badRequest("Unknown type '" + t + "'; use order_completed, order_failed or refund_processed")))
                        .orElse(null),
                state.or(() -> status).map(s -> NotificationState.fromWireName(s).orElseThrow(() -> ApiException
                        .badRequest("Unknown state '" + s + "'; use pending, sent or failed"))).orElse(null),
                Cursor.from(request), Cursor.limit(request));
        Page<Notification> page = kpi.records().notifications().list(query);
        return Response.ok(Cursor.page("notifications",
                page.items().stream().map(Views.NotificationView::of).toList(), page.nextKey()));
    }
}
