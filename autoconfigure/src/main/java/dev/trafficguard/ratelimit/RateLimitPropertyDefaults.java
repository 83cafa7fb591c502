package dev.trafficguard.ratelimit;

import java.util.Map;

import dev.trafficguard.actuate.HealthStatuses;
import dev.trafficguard.properties.PropertyDefaults;

import org.springframework.core.env.Environment;

/**
 * Registers the {@code DEGRADED} status that {@code trafficGuardRateLimit} reports in Spring
 * Boot's health status order and HTTP mapping, so that the aggregate health shows it rather
 * than ignoring it.
 */
public final class RateLimitPropertyDefaults implements PropertyDefaults {

	@Override
	public String feature() {
		return "rate-limit";
	}

	@Override
	public void contribute(Environment environment, Map<String, Object> defaults) {
		HealthStatuses.contribute(defaults);
	}

}
