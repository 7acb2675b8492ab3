/**
 * The soak (RELIABILITY R12): {@code kpi-bench --soak [MINUTES]} runs a real server in a child JVM
 * on MySQL and Redis under imports, refunds and report reads at steady rates for a bounded time,
 * then checks that nothing failed and nothing grew.
 */
package io.orderkpi.bench.soak;
