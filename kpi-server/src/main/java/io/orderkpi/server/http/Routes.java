package io.orderkpi.server.http;

/**
 * A group of endpoints, registered on the {@link Router} when the server starts. Each feature
 * (analytics, orders, imports, ...) is one class implementing this; the server takes a list of
 * them, so adding endpoints never touches the infrastructure.
 */
@FunctionalInterface
public interface Routes {

    void register(Router router);
}
