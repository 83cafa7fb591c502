/**
 * Tuned HikariCP pools: sizes, lifetimes and timeouts that fail fast, leak detection, a
 * check of the pools against the database's own connection limit, a 503 answer when a pool
 * is saturated, and the pools drained last when the application shuts down, then closed
 * when Spring destroys their beans.
 */
@NullMarked
package dev.trafficguard.datasource;

import org.jspecify.annotations.NullMarked;
