/**
 * The endpoints, one {@link io.orderkpi.server.http.Routes} class per feature; each is listed in
 * {@link io.orderkpi.server.OrderKpiServer#routeGroups()} (the operations groups — orders,
 * imports, refunds, notifications, queues — through
 * {@link io.orderkpi.server.routes.OperationsRoutes#operations}).
 */
package io.orderkpi.server.routes;
