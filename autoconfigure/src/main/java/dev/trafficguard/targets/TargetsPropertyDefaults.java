package dev.trafficguard.targets;

import java.util.Map;

import dev.trafficguard.actuate.HealthStatuses;
import dev.trafficguard.properties.PropertyDefaults;

import org.springframework.core.env.Environment;

/**
 * Registers the {@code DEGRADED} status that {@code trafficGuardTargets} reports in Spring
 * Boot's health status order and HTTP mapping (200), so that the aggregate health shows it.
 */
public final class TargetsPropertyDefaults implements PropertyDefaults {

	@Override
	public String feature() {
		return "targets";
	}

	@Override
	public void contribute(Environment environment, Map<String, Object> defaults) {
		HealthStatuses.contribute(defaults);
	}

}
