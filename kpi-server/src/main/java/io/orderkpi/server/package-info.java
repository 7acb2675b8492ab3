/** The OrderKPI server: HTTP API, configuration and wiring. */
package io.orderkpi.server;
