package io.orderkpi.testkit;

import io.orderkpi.core.event.EventType;
import io.orderkpi.core.event.NewEvent;
import java.util.Map;

/** Test data for outbox events: an event of a type, tagged so a test can tell events apart. */
public final class TestEvents {

    /** The data key of the tag {@link #anEvent(EventType, String)} sets. */
    public static final String TAG = "test_tag";

    private TestEvents() {
    }

    public static NewEvent anEvent(EventType type, String tag) {
        return NewEvent.of(type, Map.of(TAG, tag));
    }

    public static NewEvent anEvent(String tag) {
        return anEvent(EventType.ORDER_PROCESS_STARTED, tag);
    }
}
