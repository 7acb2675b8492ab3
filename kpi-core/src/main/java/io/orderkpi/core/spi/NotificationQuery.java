package io.orderkpi.core.spi;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.notification.NotificationState;
import io.orderkpi.core.notification.NotificationType;

/**
 * A page request for {@link NotificationRecords#list}: newest first (descending id), optional
 * equality filters (all given ones must match), keyset paging.
 *
 * @param beforeId only notifications with an id below this one; {@code Long.MAX_VALUE} for the
 *                 first page
 * @param limit    page size, at least 1
 */
public record NotificationQuery(@Nullable Long orderId, @Nullable String customerId, @Nullable NotificationType type,
        @Nullable NotificationState state, long beforeId, int limit) {

    public NotificationQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1: " + limit);
        }
    }

    public static NotificationQuery firstPage(int limit) {
        return new NotificationQuery(null, null, null, null, Long.MAX_VALUE, limit);
    }

    public NotificationQuery withOrderId(@Nullable Long value) {
        return new NotificationQuery(value, customerId, type, state, beforeId, limit);
    }

    public NotificationQuery withCustomerId(@Nullable String value) {
        return new NotificationQuery(orderId, value, type, state, beforeId, limit);
    }

    public NotificationQuery withType(@Nullable NotificationType value) {
        return new NotificationQuery(orderId, customerId, value, state, beforeId, limit);
    }

    public NotificationQuery withState(@Nullable NotificationState value) {
        return new NotificationQuery(orderId, customerId, type, value, beforeId, limit);
    }

    public NotificationQuery before(long id) {
        return new NotificationQuery(orderId, customerId, type, state, id, limit);
    }
}
