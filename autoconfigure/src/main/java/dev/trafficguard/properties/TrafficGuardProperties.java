package dev.trafficguard.properties;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Traffic Guard's master switch.
 */
@ConfigurationProperties(TrafficGuardFeatures.PREFIX)
public class TrafficGuardProperties {

	/**
	 * Whether Traffic Guard is enabled. When false, every feature is off and Spring Boot's
	 * own defaults apply, whatever the features' own switches say.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
