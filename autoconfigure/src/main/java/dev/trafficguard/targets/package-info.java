/**
 * Performance targets as health: request latency (P50, P99), live threads, heap growth after
 * garbage collection and GC pauses, each with a goal and a warn level, observed over a
 * sliding window and reported as a health contributor, gauges and the {@code targets}
 * section of the {@code trafficguard} endpoint.
 */
@NullMarked
package dev.trafficguard.targets;

import org.jspecify.annotations.NullMarked;
