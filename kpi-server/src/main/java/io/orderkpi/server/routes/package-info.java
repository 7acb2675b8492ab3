/**
 * The endpoints, one {@link io.orderkpi.server.http.Routes} class per feature; each is listed in
 * {@link io.orderkpi.server.OrderKpiServer#routeGroups()}.
 */
package io.orderkpi.server.routes;
