package io.orderkpi.core.importer;

import io.orderkpi.core.event.EventData;
import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.order.Order;
import io.orderkpi.core.spi.ImportedOrderEvents;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The events recorded with an order imported in a final status, so analytics counts it as if it
 * had been processed (SPEC §3, last point) under the same idempotency keys: {@code completed} as
 * a completed order, {@code cancelled} as a failed one, {@code refunded} as completed plus a full
 * refund on its placed day, {@code partially_refunded} as completed (the CSV has no refund
 * amount). Every such event carries {@code imported=true}, which keeps notifications away.
 */
final class ImportedStatusEvents implements ImportedOrderEvents {

    static final String IMPORTED_FAILURE_REASON = "Imported as failed";

    private final String importId;

    ImportedStatusEvents(String importId) {
        this.importId = importId;
    }

    @Override
    public List<NewEvent> eventsFor(Order order) {
        return switch (order.status()) {
            case COMPLETED, PARTIALLY_REFUNDED -> List.of(completed(order));
            case REFUNDED -> List.of(completed(order), fullRefund(order));
            case CANCELLED -> List.of(failed(order));
            default -> List.of();
        };
    }

    private Map<String, String> base(Order order) {
        Map<String, String> data = new HashMap<>();
        data.put(EventData.ORDER_NUMBER, order.orderNumber());
        data.put(EventData.CUSTOMER_ID, order.customerId());
        data.put(EventData.TOTAL_CENTS, Long.toString(order.totalAmount().cents()));
        data.put(EventData.PLACED_AT, order.placedAt().toString());
        data.put(EventData.IMPORTED, "true");
        data.put(EventData.IMPORT_ID, importId);
        return data;
    }

    private NewEvent completed(Order order) {
        return NewEvent.of(EventType.ORDER_COMPLETED, base(order));
    }

    private NewEvent failed(Order order) {
        Map<String, String> data = base(order);
        data.put(EventData.REASON, IMPORTED_FAILURE_REASON);
        return NewEvent.of(EventType.ORDER_FAILED, data);
    }

    private NewEvent fullRefund(Order order) {
        Map<String, String> data = base(order);
        data.put(EventData.REFUND_ID, EventData.importedRefundId(order.id()));
        data.put(EventData.REFUND_CENTS, Long.toString(order.totalAmount().cents()));
        data.put(EventData.PROCESSED_AT, order.placedAt().toString());
        return NewEvent.of(EventType.REFUND_PROCESSED, data);
    }
}
