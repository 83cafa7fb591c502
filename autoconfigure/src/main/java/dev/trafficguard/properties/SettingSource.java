package dev.trafficguard.properties;

/**
 * Where the effective value of a setting comes from.
 */
public enum SettingSource {

	/**
	 * Nobody set it: the owning library's own default applies (Spring Boot's for a
	 * {@code spring.*} property, Traffic Guard's for a {@code traffic-guard.*} one).
	 */
	LIBRARY_DEFAULT("default"),

	/**
	 * Traffic Guard's default for a property that Spring Boot or a library owns.
	 */
	TRAFFIC_GUARD("traffic-guard"),

	/**
	 * The user set it: application properties or YAML, a profile, the environment, the
	 * command line or the application's default properties.
	 */
	USER("user");

	private final String label;

	SettingSource(String label) {
		this.label = label;
	}

	/**
	 * The label used in the actuator endpoint.
	 * @return the label
	 */
	public String label() {
		return this.label;
	}

}
