package io.orderkpi.server.routes;

import io.orderkpi.core.OrderKpi;
import io.orderkpi.core.order.Money;
import io.orderkpi.core.refund.OrderNotRefundableException;
import io.orderkpi.core.refund.Refund;
import io.orderkpi.core.refund.RefundAmountException;
import io.orderkpi.core.refund.RefundConflictException;
import io.orderkpi.core.refund.RefundOutcome;
import io.orderkpi.core.refund.RefundRequest;
import io.orderkpi.core.refund.RefundStatus;
import io.orderkpi.core.refund.RefundType;
import io.orderkpi.core.spi.Page;
import io.orderkpi.core.spi.RefundQuery;
import io.orderkpi.server.http.ApiException;
import io.orderkpi.server.http.Request;
import io.orderkpi.server.http.Response;
import io.orderkpi.server.http.Router;
import io.orderkpi.server.http.Routes;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Refunds (SPEC §6, §9): request one for an order (queued, so 202 with the refund still
 * {@code pending}), and list them. A refund_id already known answers with its first refund
 * (200) when it is the same refund, else 409.
 */
public final class RefundRoutes implements Routes {

    private final OrderKpi kpi;

    public RefundRoutes(OrderKpi kpi) {
        this.kpi = Objects.requireNonNull(kpi, "kpi");
    }

    @Override
    public void register(Router router) {
        router.post("/api/v1/orders/{id}/refunds", this::create)
                .get("/api/v1/refunds", this::list);
    }

    /** {@code amount} is read as text so that {@code 10.005} is refused instead of rounded. */
    record RefundBody(String type, String amount, String reason, String refundId) {
    }

    private Response create(Request request) throws Exception {
        long orderId = request.pathId("id");
        RefundBody body = request.json(RefundBody.class);
        if (body.type() == null || body.type().isBlank()) {
            throw ApiException.badRequest("type: required, full or partial");
        }
        RefundType type = RefundType.fromWireName(body.type())
                .orElseThrow(() -> ApiException.badRequest("type: must be full or partial, not '" + body.type() + "'"));
        try {
            Money amount = null;
            if (body.amount() != null) {
                try {
                    amount = Money.parse(body.amount());
                } catch (NumberFormatException | ArithmeticException e) {
                    throw RefundAmountException.malformed(orderId, body.amount(), e);
                }
            }
            RefundOutcome outcome = kpi.refunds().submit(
                    new RefundRequest(orderId, type, amount, body.reason(), body.refundId()));
            Views.RefundView view = Views.RefundView.of(outcome.refund());
            return outcome.created() ? Response.accepted(view) : Response.ok(view);
        } catch (RefundAmountException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (RefundConflictException | OrderNotRefundableException e) {
            throw ApiException.conflict(e.getMessage());
        } catch (NoSuchElementException e) {
            throw ApiException.notFound("Order not found: " + orderId);
        }
    }

    private Response list(Request request) {
        RefundQuery query = new RefundQuery(request.query("order_id").map(RefundRoutes::id).orElse(null),
                request.query("customer_id").orElse(null),
                request.query("status").map(s -> RefundStatus.fromWireName(s).orElseThrow(() -> ApiException
                        .badRequest("Unknown status '" + s + "'; use pending, processing, completed or failed")))
                        .orElse(null),
                request.query("type").map(t -> RefundType.fromWireName(t).orElseThrow(() -> ApiException
                        .badRequest("Unknown type '" + t + "'; use full or partial"))).orElse(null),
                Cursor.from(request), Cursor.limit(request));
        Page<Refund> page = kpi.records().refunds().list(query);
        return Response.ok(Cursor.page("refunds", page.items().stream().map(Views.RefundView::of).toList(),
                page.nextKey()));
    }

    /** An {@code order_id} filter: an integer, else 400. */
    static long id(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("The order_id parameter must be an integer");
        }
    }

}
