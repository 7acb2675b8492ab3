package io.orderkpi.server.routes;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.event.DeadLetter;
import io.orderkpi.core.spi.Page;
import io.orderkpi.server.http.ApiException;
import io.orderkpi.server.http.Request;
import io.orderkpi.server.http.Response;
import io.orderkpi.server.http.Router;
import io.orderkpi.server.http.Routes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Dead letters of the outbox (SPEC §8): events a subscriber could not handle for a reason other
 * than its back-end being down, listed newest first and redelivered one at a time or all at once.
 * A redelivery puts the event back into the subscriber's pending events (202): whichever process
 * holds the subscriber's lease delivers it, with the events of its order that waited behind it.
 * A subscriber name the record store has not registered is a 404.
 */
public final class OutboxRoutes implements Routes {

    private static final String BASE = "/api/v1/outbox/dead-letters";

    private final OrderKpi kpi;

    public OutboxRoutes(OrderKpi kpi) {
        this.kpi = Objects.requireNonNull(kpi, "kpi");
    }

    @Override
    public void register(Router router) {
        router.get(BASE, this::list)
                .post(BASE + "/redeliver-all", this::redeliverAll)
                .post(BASE + "/{subscriber}/{sequence}/redeliver", this::redeliver);
    }

    private String known(String subscriber) {
        List<String> registered = kpi.records().outbox().subscribers();
        if (!registered.contains(subscriber)) {
            throw ApiException.notFound("Unknown subscriber '" + subscriber + "'; the subscribers are "
                    + String.join(", ", registered));
        }
        return subscriber;
    }

    private String subscriberFilter(Request request) {
        return request.query("subscriber").map(this::known).orElse(null);
    }

    private Response list(Request request) {
        Page<DeadLetter> page = kpi.records().outbox().deadLetters(subscriberFilter(request), Cursor.from(request),
                Cursor.limit(request));
        return Response.ok(Cursor.page("dead_letters", page.items().stream().map(Views.DeadLetterView::of).toList(),
                page.nextKey()));
    }

    private Response redeliver(Request request) {
        String subscriber = known(request.pathParam("subscriber"));
        long sequence = request.pathId("sequence");
        if (!kpi.relay().redeliver(subscriber, sequence)) {
            throw ApiException.notFound("No dead letter " + sequence + " for subscriber '" + subscriber + "'");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("subscriber", subscriber);
        data.put("sequence", sequence);
        data.put("redelivered", 1);
        return Response.accepted(data);
    }

    private Response redeliverAll(Request request) {
        String subscriber = subscriberFilter(request);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("subscriber", subscriber);
        data.put("redelivered", kpi.relay().redeliverAll(subscriber));
        return Response.accepted(data);
    }
}
