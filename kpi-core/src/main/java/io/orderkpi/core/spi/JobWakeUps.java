package io.orderkpi.core.spi;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listeners of {@link JobStore#onJobsAvailable} in one process, for store implementations:
 * register, and tell them all that a queue has work. Thread-safe; a listener is called on the
 * thread that made the work available, so it must be quick (the engine only signals its pool).
 */
public final class JobWakeUps {

    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /** Adds a listener; running the returned action removes it. */
    public Runnable register(Consumer<String> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Tells every listener that {@code queue} has work. */
    public void wakeUp(String queue) {
        for (Consumer<String> listener : listeners) {
            listener.accept(queue);
        }
    }
}
