package dev.trafficguard.actuate;

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

}
