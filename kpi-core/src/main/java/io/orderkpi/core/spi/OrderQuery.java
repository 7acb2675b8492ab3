package io.orderkpi.core.spi;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.order.OrderStatus;

/**
 * A page request for {@link OrderRecords#list}: newest first (descending id), optional equality
 * filters, keyset paging.
 *
 * @param beforeId only orders with an id below this one; {@code Long.MAX_VALUE} for the first page
 * @param limit    page size, at least 1
 */
public record OrderQuery(@Nullable OrderStatus status, @Nullable String customerId, @Nullable String orderNumber,
        long beforeId, int limit) {

    public OrderQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1: " + limit);
        }
    }

    public static OrderQuery firstPage(int limit) {
        return new OrderQuery(null, null, null, Long.MAX_VALUE, limit);
    }

    public OrderQuery withStatus(@Nullable OrderStatus value) {
        return new OrderQuery(value, customerId, orderNumber, beforeId, limit);
    }

    public OrderQuery withCustomerId(@Nullable String value) {
        return new OrderQuery(status, value, orderNumber, beforeId, limit);
    }

    public OrderQuery withOrderNumber(@Nullable String value) {
        return new OrderQuery(status, customerId, value, beforeId, limit);
    }

    public OrderQuery before(long id) {
        return new OrderQuery(status, customerId, orderNumber, id, limit);
    }
}
