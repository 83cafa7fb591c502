package dev.trafficguard.actuate;

import dev.trafficguard.properties.SettingSources;

/**
 * The {@code defaults} section: every property owned by Spring Boot or a library for which
 * Traffic Guard contributes a default, with the value in force and whether it is Traffic
 * Guard's default or the user's value.
 */
final class PropertyDefaultsContributor implements TrafficGuardContributor {

	private final SettingSources settingSources;

	PropertyDefaultsContributor(SettingSources settingSources) {
		this.settingSources = settingSources;
	}

	@Override
	public String name() {
		return "defaults";
	}

	@Override
	public Object describe() {
		return this.settingSources.contributedDefaults();
	}

}
