package io.orderkpi.core.spi;

import io.orderkpi.core.event.NewEvent;
import io.orderkpi.core.order.Order;
import java.util.List;

/**
 * The events to record with an order an import inserts, decided once its id is known; called
 * inside the store's atomic step, so it must be fast, pure and must not call the store.
 */
@FunctionalInterface
public interface ImportedOrderEvents {

    ImportedOrderEvents NONE = order -> List.of();

    List<NewEvent> eventsFor(Order inserted);
}
