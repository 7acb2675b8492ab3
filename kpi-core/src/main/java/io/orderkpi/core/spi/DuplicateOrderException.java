package io.orderkpi.core.spi;

import io.orderkpi.core.lang.OrderKpiException;

/** An order number that is already stored. */
public final class DuplicateOrderException extends OrderKpiException {

    public DuplicateOrderException(String orderNumber) {
        super("Order number already exists: " + orderNumber);
    }
}
