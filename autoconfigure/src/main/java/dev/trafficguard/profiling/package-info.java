/**
 * Profiling on demand through the {@code profiling} actuator endpoint: CPU, allocation,
 * lock-contention and wall-clock profiles recorded with JDK Flight Recorder, threads grouped
 * by identical stack, and a heap histogram.
 */
@NullMarked
package dev.trafficguard.profiling;

import org.jspecify.annotations.NullMarked;
