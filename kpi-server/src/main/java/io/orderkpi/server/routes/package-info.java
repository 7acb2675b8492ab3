/**
 * The operations endpoints of the HTTP API (SPEC §9 "beyond the seed"): orders, imports, refunds,
 * notifications and queues, one {@link io.orderkpi.server.http.Routes} group each, all listed by
 * {@link io.orderkpi.server.routes.OperationsRoutes#operations}.
 */
package io.orderkpi.server.routes;
