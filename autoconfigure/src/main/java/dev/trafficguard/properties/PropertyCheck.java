package dev.trafficguard.properties;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Startup checks of property values. Each throws an {@link InvalidPropertyException} that
 * names the property, the value and the allowed range.
 */
public final class PropertyCheck {

	private PropertyCheck() {
	}

	/**
	 * Check that a whole number lies in a range.
	 * @param property the property's name
	 * @param value the value given
	 * @param min the smallest allowed value
	 * @param max the largest allowed value
	 */
	public static void between(String property, long value, long min, long max) {
		if (value < min || value > max) {
			throw new InvalidPropertyException(property, value, "between " + min + " and " + max);
		}
	}

	/**
	 * Check that a number lies in a range.
	 * @param property the property's name
	 * @param value the value given
	 * @param min the smallest allowed value
	 * @param max the largest allowed value
	 */
	public static void between(String property, double value, double min, double max) {
		if (!(value >= min && value <= max)) {
			throw new InvalidPropertyException(property, value, "between " + min + " and " + max);
		}
	}

	/**
	 * Check that a duration is given and lies in a range.
	 * @param property the property's name
	 * @param value the value given
	 * @param min the shortest allowed duration
	 * @param max the longest allowed duration
	 */
	public static void between(String property, @Nullable Duration value, Duration min, Duration max) {
		if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
			throw new InvalidPropertyException(property, (value != null) ? format(value) : null,
					"between " + format(min) + " and " + format(max));
		}
	}

	/**
	 * Check a condition about a value.
	 * @param valid whether the value is valid
	 * @param property the property's name
	 * @param value the value given
	 * @param allowed what is allowed, read after "must be", such as {@code a CIDR block}
	 */
	public static void check(boolean valid, String property, @Nullable Object value, String allowed) {
		if (!valid) {
			throw new InvalidPropertyException(property, value, allowed);
		}
	}

	/**
	 * Format a duration as a property value a user would write, such as {@code 500ms},
	 * {@code 30s} or {@code 5m}.
	 * @param duration the duration
	 * @return its short form
	 */
	public static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis == 0 || millis % 1000 != 0) {
			return (duration.toNanos() % 1_000_000 == 0) ? millis + "ms" : duration.toNanos() + "ns";
		}
		long seconds = millis / 1000;
		if (seconds % 3600 == 0) {
			return seconds / 3600 + "h";
		}
		return (seconds % 60 == 0) ? seconds / 60 + "m" : seconds + "s";
	}

}
