package dev.trafficguard.targets;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.properties.Setting;
import dev.trafficguard.properties.SettingSources;

/**
 * The {@code targets} section: the settings in force and where each comes from, every
 * enabled target's observed value, goal, warn level and state, and the URIs with the highest
 * 99th percentile latency in the window.
 */
final class TargetsContributor implements TrafficGuardContributor {

	static final int SLOWEST_URIS = 5;

	private final TargetMonitor monitor;

	private final TargetsProperties properties;

	private final SettingSources settingSources;

	TargetsContributor(TargetMonitor monitor, TargetsProperties properties, SettingSources settingSources) {
		this.monitor = monitor;
		this.properties = properties;
		this.settingSources = settingSources;
	}

	@Override
	public String name() {
		return "targets";
	}

	@Override
	public Object describe() {
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("window", PropertyCheck.format(this.monitor.window()));
		section.put("settings", settings());
		Map<String, Object> targets = new LinkedHashMap<>();
		for (TargetMonitor.Observation observation : this.monitor.evaluate()) {
			targets.put(observation.name(), describe(observation));
		}
		section.put("targets", targets);
		section.put("slowestUris", this.monitor.timings().slowest(SLOWEST_URIS, System.nanoTime()));
		return section;
	}

	private Map<String, Setting> settings() {
		Map<String, Setting> settings = new LinkedHashMap<>();
		TargetsProperties targets = this.properties;
		put(settings, "window", PropertyCheck.format(targets.getWindow()));
		put(settings, "max-uris", targets.getMaxUris());
		put(settings, "p50-latency.enabled", targets.getP50Latency().isEnabled());
		put(settings, "p50-latency.goal", PropertyCheck.format(targets.getP50Latency().getGoal()));
		put(settings, "p50-latency.warn", PropertyCheck.format(targets.getP50Latency().getWarn()));
		put(settings, "p99-latency.enabled", targets.getP99Latency().isEnabled());
		put(settings, "p99-latency.goal", PropertyCheck.format(targets.getP99Latency().getGoal()));
		put(settings, "p99-latency.warn", PropertyCheck.format(targets.getP99Latency().getWarn()));
		put(settings, "live-threads.enabled", targets.getLiveThreads().isEnabled());
		put(settings, "live-threads.goal", targets.getLiveThreads().getGoal());
		put(settings, "live-threads.warn", targets.getLiveThreads().getWarn());
		put(settings, "heap-growth.enabled", targets.getHeapGrowth().isEnabled());
		put(settings, "heap-growth.goal", targets.getHeapGrowth().getGoal());
		put(settings, "heap-growth.warn", targets.getHeapGrowth().getWarn());
		put(settings, "gc-pause.enabled", targets.getGcPause().isEnabled());
		put(settings, "gc-pause.goal", PropertyCheck.format(targets.getGcPause().getGoal()));
		put(settings, "gc-pause.warn", PropertyCheck.format(targets.getGcPause().getWarn()));
		return settings;
	}

	private void put(Map<String, Setting> settings, String name, Object value) {
		String property = TargetsProperties.PREFIX + "." + name;
		settings.put(property, this.settingSources.describe(property, value));
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
