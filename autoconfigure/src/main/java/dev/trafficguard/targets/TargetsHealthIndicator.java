package dev.trafficguard.targets;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.trafficguard.actuate.HealthStatuses;
import dev.trafficguard.properties.PropertyCheck;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@link HealthIndicator} of the performance targets: {@code UP} while no target is past its
 * warn level, {@code DEGRADED} (HTTP 200) when one is, with each target's observed value,
 * goal, warn level and state as details. It is never {@code DOWN}: a slow dependency makes
 * every instance slow at once, and taking them all out of rotation would not help.
 */
final class TargetsHealthIndicator implements HealthIndicator {

	static final Status DEGRADED = new Status(HealthStatuses.DEGRADED, "A performance target is past its warn level");

	private final TargetMonitor monitor;

	TargetsHealthIndicator(TargetMonitor monitor) {
		this.monitor = monitor;
	}

	@Override
	public Health health() {
		boolean warns = false;
		Map<String, Object> targets = new LinkedHashMap<>();
		for (TargetMonitor.Observation observation : this.monitor.evaluate()) {
			warns |= observation.state() == TargetState.WARN;
			targets.put(observation.name(), TargetsContributor.describe(observation));
		}
		Health.Builder builder = warns ? Health.status(DEGRADED) : Health.up();
		return builder.withDetail("window", PropertyCheck.format(this.monitor.window()))
			.withDetail("targets", targets)
			.build();
	}

}
