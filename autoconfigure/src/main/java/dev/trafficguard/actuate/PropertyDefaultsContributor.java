package dev.trafficguard.actuate;

import java.util.Map;

import dev.trafficguard.properties.Setting;
import dev.trafficguard.properties.SettingSource;
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
	public String summary() {
		Map<String, Setting> defaults = this.settingSources.contributedDefaults();
		long yours = defaults.values()
			.stream()
			.filter((setting) -> !SettingSource.TRAFFIC_GUARD.label().equals(setting.source()))
			.count();
		return defaults.size() + " properties of Spring Boot and libraries get Traffic Guard's default"
				+ ((yours > 0) ? " (" + yours + " of them set by you win)" : "") + ", see /actuator/trafficguard/defaults";
	}

	@Override
	public Object describe() {
		return this.settingSources.contributedDefaults();
	}

}
