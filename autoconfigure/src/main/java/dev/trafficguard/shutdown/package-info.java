/**
 * Graceful shutdown that loses nothing: readiness goes down first, the server keeps serving
 * during a pre-stop delay, in-flight requests drain within a timeout, and each step is
 * recorded in the shutdown timeline.
 */
@NullMarked
package dev.trafficguard.shutdown;

import org.jspecify.annotations.NullMarked;
