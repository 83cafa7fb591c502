package dev.trafficguard.targets;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.PropertyCheck;

/**
 * The {@code targets} section: the window, every enabled target's observed value, goal,
 * warn level and state, and the URIs with the highest 99th percentile latency in the window.
 */
final class TargetsContributor implements TrafficGuardContributor {

	static final int SLOWEST_URIS = 5;

	private final TargetMonitor monitor;

	TargetsContributor(TargetMonitor monitor) {
		this.monitor = monitor;
	}

	@Override
	public String name() {
		return "targets";
	}

	@Override
	public Object describe() {
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("window", PropertyCheck.format(this.monitor.window()));
		Map<String, Object> targets = new LinkedHashMap<>();
		for (TargetMonitor.Observation observation : this.monitor.evaluate()) {
			targets.put(observation.name(), describe(observation));
		}
		section.put("targets", targets);
		section.put("slowestUris", this.monitor.timings().slowest(SLOWEST_URIS, System.nanoTime()));
		return section;
	}

	static Map<String, Object> describe(TargetMonitor.Observation observation) {
		Map<String, Object> target = new LinkedHashMap<>();
		target.put("observed", observation.observed());
		target.put("goal", observation.goal());
		target.put("warn", observation.warn());
		target.put("unit", observation.unit());
		target.put("state", observation.state());
		return target;
	}

}
