/**
 * The order in which Traffic Guard's parts stop when the application shuts down, and the
 * timeline in which each records what it drained or cut off.
 */
@NullMarked
package dev.trafficguard.lifecycle;

import org.jspecify.annotations.NullMarked;
