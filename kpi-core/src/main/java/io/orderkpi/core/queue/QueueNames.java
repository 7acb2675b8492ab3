package io.orderkpi.core.queue;

import java.util.List;

/** The named queues of SPEC §8. */
public final class QueueNames {

    public static final String ORDERS_IMPORT = "orders-import";
    public static final String ORDER_PROCESSING = "order-processing";
    public static final String NOTIFICATIONS = "notifications";
    public static final String REFUNDS = "refunds";

    public static final List<String> ALL = List.of(ORDERS_IMPORT, ORDER_PROCESSING, NOTIFICATIONS, REFUNDS);

    private QueueNames() {
    }
}
