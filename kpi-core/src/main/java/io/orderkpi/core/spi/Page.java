package io.orderkpi.core.spi;

import java.util.List;
import java.util.OptionalLong;

/**
 * One page of a keyset-paged list.
 *
 * @param items     the page, in list order
 * @param nextKey   the key to pass for the next page ({@code beforeId}), empty on the last page
 */
public record Page<T>(List<T> items, OptionalLong nextKey) {

    public Page {
        items = List.copyOf(items);
    }
}
