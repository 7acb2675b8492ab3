package io.orderkpi.server.routes;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.importer.OrderValidation;
import io.orderkpi.core.order.NewOrder;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.order.OrderStatus;
import io.orderkpi.core.spi.DuplicateOrderException;
import io.orderkpi.core.spi.OrderQuery;
import io.orderkpi.core.spi.Page;
import io.orderkpi.server.http.ApiException;
import io.orderkpi.server.http.Request;
import io.orderkpi.server.http.Response;
import io.orderkpi.server.http.Router;
import io.orderkpi.server.http.Routes;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Orders (SPEC §9): create one as JSON (validated exactly as a CSV row, see
 * {@link OrderValidation}), list and read them, their audit trail, and queue them for the
 * workflow.
 *
 * <p>An order created here must start in a non-final status ({@code pending} or
 * {@code reserved}): an order stored in a final status counts in the KPIs only with the events an
 * import records for it, which need the import's bookkeeping; such orders come in through
 * {@code POST /api/v1/imports}.
 */
public final class OrderRoutes implements Routes {

    private static final String BASE = "/api/v1/orders";
    private static final int STUCK_DEFAULT_MINUTES = 15;

    private final OrderKpi kpi;

    public OrderRoutes(OrderKpi kpi) {
        this.kpi = Objects.requireNonNull(kpi, "kpi");
    }

    @Override
    public void register(Router router) {
        router.post(BASE, this::create)
                .get(BASE, this::list)
                .get(BASE + "/stuck", this::stuck)
                .post(BASE + "/process-pending", this::processPending)
                .post(BASE + "/recover", this::recover)
                .get(BASE + "/{id}", this::get)
                .get(BASE + "/{id}/events", this::events)
                .post(BASE + "/{id}/process", this::process);
    }

    /** The JSON body of a new order: the CSV row's fields, numbers as JSON numbers or strings. */
    record NewOrderBody(String orderNumber, String customerId, String customerName, String customerEmail,
            String status, String totalAmount, String currency, String placedAt, List<ItemBody> items) {
    }

    record ItemBody(String productId, String productName, String sku, String quantity, String unitPrice) {
    }

    private Response create(Request request) throws Exception {
        NewOrderBody body = request.json(NewOrderBody.class);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("order_number", body.orderNumber());
        fields.put("customer_id", body.customerId());
        fields.put("customer_name", body.customerName());
        fields.put("customer_email", body.customerEmail());
        fields.put("status", body.status());
        fields.put("total_amount", body.totalAmount());
        fields.put("currency", body.currency());
        fields.put("placed_at", body.placedAt());
        List<ItemBody> items = body.items() == null ? List.of() : body.items();
        for (int i = 0; i < items.size(); i++) {
            ItemBody item = items.get(i);
            if (item == null) {
                throw ApiException.badRequest("items[" + i + "]: must be an object");
            }
            // items[0] is the CSV's item1 group, so reasons name the same columns as a CSV import.
            String prefix = "item" + (i + 1) + "_";
            fields.put(prefix + "product_id", item.productId());
            fields.put(prefix + "product_name", item.productName());
            fields.put(prefix + "sku", item.sku());
            fields.put(prefix + "quantity", item.quantity());
            fields.put(prefix + "unit_price", item.unitPrice());
        }
        NewOrder order;
        try {
            order = OrderValidation.validate(fields, kpi.importer().settings(kpi.clock().instant()));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (order.status().isFinal()) {
            throw ApiException.badRequest("status: an order created over the API starts pending or reserved, not "
                    + order.status().wireName() + "; import orders in final statuses as CSV (POST /api/v1/imports)");
        }
        try {
            return Response.created(Views.OrderView.of(kpi.createOrder(order), true));
        } catch (DuplicateOrderException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    private Response list(Request request) {
        OrderQuery query = new OrderQuery(request.query("status").map(OrderRoutes::status).orElse(null),
                request.query("customer_id").orElse(null), request.query("order_number").orElse(null),
                Cursor.from(request), Cursor.limit(request));
        Page<Order> page = kpi.records().orders().list(query);
        List<Views.OrderView> orders = page.items().stream().map(o -> Views.OrderView.of(o, false)).toList();
        return Response.ok(Cursor.page("orders", orders, page.nextKey()));
    }

    static OrderStatus status(String text) {
        return OrderStatus.fromWireName(text).orElseThrow(() -> ApiException.badRequest("Unknown status '" + text
                + "'; use one of " + Arrays.stream(OrderStatus.values()).map(OrderStatus::wireName)
                        .collect(Collectors.joining(", "))));
    }

    private Order order(Request request) {
        long id = request.pathId("id");
        return kpi.records().orders().get(id).orElseThrow(() -> ApiException.notFound("Order not found: " + id));
    }

    private Response get(Request request) {
        return Response.ok(Views.OrderView.of(order(request), true));
    }

    private Response events(Request request) {
        int limit = Cursor.limit(request);
        Order order = order(request);
        List<Views.EventView> events = kpi.records().outbox().eventsOf(order.id()).stream().limit(limit)
                .map(Views.EventView::of).toList();
        return Response.ok(Cursor.whole("events", events));
    }

    private Response process(Request request) {
        Order order = order(request);
        if (order.status().isFinal()) {
            throw ApiException.conflict("Order " + order.id() + " is already " + order.status().wireName()
                    + "; a final order is not processed again");
        }
        UUID job = kpi.process(order.id());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job_id", job);
        data.put("order_id", order.id());
        return Response.accepted(data);
    }

    private Response processPending(Request request) {
        long queued = kpi.workflow().enqueuePending(kpi.workers());
        return Response.accepted(Map.of("queued", queued));
    }

    private Duration minutes(Request request) {
        return Duration.ofMinutes(request.intParam("minutes", STUCK_DEFAULT_MINUTES, 0, 525_600));
    }

    private Response stuck(Request request) {
        List<Views.OrderView> orders = kpi.workflow().stuck(minutes(request), Cursor.limit(request)).stream()
                .map(o -> Views.OrderView.of(o, false)).toList();
        return Response.ok(Cursor.whole("orders", orders));
    }

    private Response recover(Request request) {
        int queued = kpi.workflow().recover(kpi.workers(), minutes(request));
        return Response.accepted(Map.of("queued", queued));
    }
}
