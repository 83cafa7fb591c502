package dev.trafficguard.actuate;

import org.jspecify.annotations.Nullable;

/**
 * Contributes one section to the {@code trafficguard} actuator endpoint: a feature's
 * effective settings, where each comes from, and its live state. Every feature registers one
 * as a bean.
 */
public interface TrafficGuardContributor {

	/**
	 * The section's name, such as {@code executor}: a key of the endpoint's
	 * {@code features} object and the selector of {@code /actuator/trafficguard/{name}}.
	 * @return the section name
	 */
	String name();

	/**
	 * The section's content, read when the endpoint is called. It is serialized to JSON, so
	 * it should be made of maps, lists, records and simple values.
	 * @return the section
	 */
	Object describe();

	/**
	 * One line for the startup summary that Traffic Guard logs once the application is
	 * ready: what this feature set, in a few words and figures (bounds, limits, timeouts),
	 * such as {@code applicationTaskExecutor 8..32 threads, queue 800}. The summary names
	 * the section, so the line does not.
	 * @return the line, or {@code null} for none
	 */
	default @Nullable String summary() {
		return null;
	}

}
