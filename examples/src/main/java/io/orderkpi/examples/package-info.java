/** Small runnable programs that show how to embed OrderKPI. */
package io.orderkpi.examples;
