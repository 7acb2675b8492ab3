package io.orderkpi.core.spi;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.refund.RefundStatus;
import io.orderkpi.core.refund.RefundType;

/**
 * A page request for {@link RefundRecords#list}: newest first, optional equality filters, keyset
 * paging on a store-internal key that increases in insertion order ({@link Page#nextKey()}).
 *
 * @param beforeKey only refunds inserted before the one with this key; {@code Long.MAX_VALUE} for
 *                  the first page
 * @param limit     page size, at least 1
 */
public record RefundQuery(@Nullable Long orderId, @Nullable String customerId, @Nullable RefundStatus status,
        @Nullable RefundType type, long beforeKey, int limit) {

    public RefundQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1: " + limit);
        }
    }

    public static RefundQuery firstPage(int limit) {
        return new RefundQuery(null, null, null, null, Long.MAX_VALUE, limit);
    }

    public RefundQuery withOrderId(@Nullable Long value) {
        return new RefundQuery(value, customerId, status, type, beforeKey, limit);
    }

    public RefundQuery withCustomerId(@Nullable String value) {
        return new RefundQuery(orderId, value, status, type, beforeKey, limit);
    }

    public RefundQuery withStatus(@Nullable RefundStatus value) {
        return new RefundQuery(orderId, customerId, value, type, beforeKey, limit);
    }

    public RefundQuery withType(@Nullable RefundType value) {
        return new RefundQuery(orderId, customerId, status, value, beforeKey, limit);
    }

    /** The next page: {@code key} is the previous page's {@link Page#nextKey()}. */
    public RefundQuery before(long key) {
        return new RefundQuery(orderId, customerId, status, type, key, limit);
    }
}
