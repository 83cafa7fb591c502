package dev.trafficguard.properties;

import org.springframework.core.env.PropertyResolver;

/**
 * The switches that turn Traffic Guard and each of its features on and off.
 */
public final class TrafficGuardFeatures {

	/**
	 * Prefix of every Traffic Guard property.
	 */
	public static final String PREFIX = "traffic-guard";

	private TrafficGuardFeatures() {
	}

	/**
	 * Whether a feature is enabled: neither {@code traffic-guard.enabled} nor
	 * {@code traffic-guard.<feature>.enabled} is {@code false}.
	 * @param properties where to read the switches
	 * @param feature the feature name, such as {@code rate-limit}
	 * @return whether the feature is enabled
	 */
	public static boolean isEnabled(PropertyResolver properties, String feature) {
		return properties.getProperty(PREFIX + ".enabled", Boolean.class, true)
				&& properties.getProperty(PREFIX + "." + feature + ".enabled", Boolean.class, true);
	}

}
