/**
 * The property model every Traffic Guard feature shares: defaults for properties that Spring
 * Boot or a library already owns, the source of every effective setting, and startup
 * validation that names the property, the value and the allowed range.
 */
@NullMarked
package dev.trafficguard.properties;

import org.jspecify.annotations.NullMarked;
