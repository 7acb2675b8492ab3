package io.orderkpi.core.event;

/** Keys of {@link NewEvent#data()}. Amounts are integer cents, instants ISO-8601 UTC. */
public final class EventData {

    public static final String ORDER_NUMBER = "order_number";
    public static final String CUSTOMER_ID = "customer_id";
    public static final String TOTAL_CENTS = "total_cents";
    public static final String PLACED_AT = "placed_at";
    public static final String REASON = "reason";
    public static final String SUCCESS = "success";
    public static final String PAYMENT_REFERENCE = "payment_reference";
    public static final String REFUND_ID = "refund_id";
    public static final String REFUND_CENTS = "refund_cents";
    /** The refund's type: {@code full} or {@code partial}. */
    public static final String REFUND_TYPE = "refund_type";
    public static final String PROCESSED_AT = "processed_at";
    /** {@code "true"} on events of orders imported in a final status: counted, never notified. */
    public static final String IMPORTED = "imported";
    public static final String IMPORT_ID = "import_id";

    /** Refund ids with this prefix are reserved for {@link #importedRefundId}. */
    public static final String IMPORTED_REFUND_PREFIX = "import-";

    private EventData() {
    }

    /**
     * The refund id that stands for the full refund of an order imported as {@code refunded}: the
     * CSV has no refund of its own, and live KPIs and recomputation must use the same key.
     */
    public static String importedRefundId(long orderId) {
        return IMPORTED_REFUND_PREFIX + orderId;
    }
}
