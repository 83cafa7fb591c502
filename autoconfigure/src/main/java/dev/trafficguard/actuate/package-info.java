/**
 * The {@code trafficguard} actuator endpoint and the contributor interface through which
 * every feature shows its settings and live state.
 */
@NullMarked
package dev.trafficguard.actuate;

import org.jspecify.annotations.NullMarked;
