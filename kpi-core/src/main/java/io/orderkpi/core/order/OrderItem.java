package io.orderkpi.core.order;

import java.util.Objects;

/**
 * One line of an order. Validated where it enters the system (CSV, HTTP); the constructor only
 * guards the invariants every stored item has.
 *
 * @param productId   product identifier, at most 64 characters
 * @param productName display name, at most 255 characters (may be empty)
 * @param sku         stock keeping unit, at most 64 characters (may be empty)
 * @param quantity    units ordered, greater than zero
 * @param unitPrice   price of one unit, greater than zero
 */
public record OrderItem(String productId, String productName, String sku, int quantity, Money unitPrice) {

    public OrderItem {
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(productName, "productName");
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(unitPrice, "unitPrice");
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity must be > 0: " + quantity);
        }
        if (!unitPrice.isPositive()) {
            throw new IllegalArgumentException("unit_price must be > 0: " + unitPrice);
        }
    }

    /** {@code quantity × unitPrice}, exact. */
    public Money totalPrice() {
        return unitPrice.times(quantity);
    }
}
