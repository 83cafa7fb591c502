/**
 * Bounded task executors: a fixed set of workers and a bounded queue behind the
 * {@code applicationTaskExecutor} and named bulkheads, submissions with a deadline, fan-out
 * and fan-in under one deadline with a bound on parallelism, and a drain on shutdown.
 */
@NullMarked
package dev.trafficguard.executor;

import org.jspecify.annotations.NullMarked;
