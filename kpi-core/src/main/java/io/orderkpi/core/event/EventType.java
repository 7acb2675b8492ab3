package io.orderkpi.core.event;

/** The events of SPEC §4. Each is recorded with the state change it describes. */
public enum EventType {
    ORDER_PROCESS_STARTED("OrderProcessStarted"),
    STOCK_RESERVED("StockReserved"),
    STOCK_RESERVATION_FAILED("StockReservationFailed"),
    PAYMENT_PROCESSED("PaymentProcessed"),
    ORDER_COMPLETED("OrderCompleted"),
    ORDER_FAILED("OrderFailed"),
    REFUND_PROCESSED("RefundProcessed"),
    REFUND_FAILED("RefundFailed");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in JSON and storage, such as {@code OrderCompleted}. */
    public String wireName() {
        return wireName;
    }

    /**
     * @throws IllegalArgumentException for an unknown name
     */
    public static EventType fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown event type: " + name);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
