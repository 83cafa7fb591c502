package dev.trafficguard.properties;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when a Traffic Guard property has a value outside its allowed range.
 * {@link InvalidPropertyFailureAnalyzer} reports it, naming the property, the value and what
 * is allowed.
 */
public class InvalidPropertyException extends RuntimeException {

	private final String property;

	private final @Nullable Object value;

	private final String allowed;

	/**
	 * Create an exception.
	 * @param property the property's name, such as
	 * {@code traffic-guard.executor.queue-capacity}
	 * @param value the value given
	 * @param allowed what is allowed, such as {@code between 1 and 1000000}
	 */
	public InvalidPropertyException(String property, @Nullable Object value, String allowed) {
		super(property + "=" + value + ": must be " + allowed);
		this.property = property;
		this.value = value;
		this.allowed = allowed;
	}

	/**
	 * The property's name.
	 * @return the name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * The value given.
	 * @return the value
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * What is allowed, such as {@code between 1 and 1000000}.
	 * @return the allowed range
	 */
	public String getAllowed() {
		return this.allowed;
	}

}
