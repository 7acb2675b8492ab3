package io.orderkpi.core.order;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An order as it enters the system, before the record store gives it an id and timestamps.
 *
 * @param orderNumber   unique business key, at most 64 characters
 * @param customerId    at most 64 characters of letters, digits, {@code - _ .}
 * @param customerName  at most 255 characters (may be empty)
 * @param customerEmail at most 255 characters (may be empty)
 * @param status        initial status: {@code pending} or an imported status
 * @param totalAmount   order total, greater than zero (not compared with the items: exports
 *                      include shipping and tax)
 * @param currency      ISO 4217 code, the reporting currency
 * @param items         at least one
 * @param placedAt      when the customer placed it; decides the KPI day
 */
public record NewOrder(String orderNumber, String customerId, String customerName, String customerEmail,
        OrderStatus status, Money totalAmount, String currency, List<OrderItem> items, Instant placedAt) {

    public static final int MAX_ORDER_NUMBER = 64;
    public static final int MAX_CUSTOMER_ID = 64;
    public static final int MAX_NAME = 255;
    public static final int MAX_EMAIL = 255;
    public static final int MAX_PRODUCT_ID = 64;
    public static final int MAX_SKU = 64;
    public static final int MAX_PRODUCT_NAME = 255;

    public NewOrder {
        Objects.requireNonNull(orderNumber, "orderNumber");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(customerName, "customerName");
        Objects.requireNonNull(customerEmail, "customerEmail");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(totalAmount, "totalAmount");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(placedAt, "placedAt");
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("an order needs at least one item: " + orderNumber);
        }
    }
}
