package dev.trafficguard.executor;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.trafficguard.actuate.TrafficGuardContributor;
import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.properties.Setting;
import dev.trafficguard.properties.SettingSources;
import dev.trafficguard.properties.VirtualThreads;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;

/**
 * The {@code executor} section of the {@code trafficguard} endpoint: per executor, its
 * effective settings with the property each comes from, and its live state (threads, queue
 * depth and capacity, active, rejected, expired and, after shutdown, drained and unfinished
 * tasks).
 */
final class ExecutorContributor implements TrafficGuardContributor {

	private final ObjectProvider<BoundedExecutor> executors;

	private final ExecutorProperties properties;

	private final ExecutorSettingsResolver resolver;

	private final SettingSources settingSources;

	private final @Nullable String virtualThreadsIgnored;

	ExecutorContributor(ObjectProvider<BoundedExecutor> executors, ExecutorProperties properties,
			Environment environment, SettingSources settingSources) {
		this.executors = executors;
		this.properties = properties;
		this.resolver = new ExecutorSettingsResolver(environment);
		this.settingSources = settingSources;
		this.virtualThreadsIgnored = VirtualThreads.ignoredReason(environment);
	}

	@Override
	public String name() {
		return "executor";
	}

	@Override
	public @Nullable String summary() {
		StringBuilder line = new StringBuilder();
		this.executors.orderedStream().forEach((executor) -> {
			ExecutorSettings settings = executor.getSettings();
			line.append(line.isEmpty() ? "" : "; ").append(executor.getName()).append(' ');
			if (settings.virtualThreads()) {
				line.append("at most ").append(settings.maxSize()).append(" tasks at once on virtual threads");
			}
			else {
				line.append(settings.coreSize()).append("..").append(settings.maxSize()).append(" threads");
			}
			line.append(", queue ").append(settings.queueCapacity()).append(", submit-timeout ")
				.append(PropertyCheck.format(settings.submitTimeout())).append(", await-termination ")
				.append(PropertyCheck.format(settings.awaitTermination()));
		});
		return line.isEmpty() ? null : line.toString();
	}

	@Override
	public Object describe() {
		Map<String, Object> executors = new LinkedHashMap<>();
		this.executors.orderedStream().forEach((executor) -> executors.put(executor.getName(), describe(executor)));
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("threads", this.resolver.isVirtualThreads() ? "virtual" : "platform");
		if (this.virtualThreadsIgnored != null) {
			section.put("virtual-threads-ignored", this.virtualThreadsIgnored);
		}
		section.put("executors", executors);
		return section;
	}

	private Map<String, Object> describe(BoundedExecutor executor) {
		ExecutorSettings settings = executor.getSettings();
		Map<String, String> origins = origins(executor.getName());
		Map<String, Object> described = new LinkedHashMap<>();
		if (!settings.virtualThreads()) {
			// A virtual worker is started per task up to max-size: no core threads are kept.
			described.put("core-size", setting(origins, "core-size", settings.coreSize()));
		}
		described.put("max-size", setting(origins, "max-size", settings.maxSize()));
		described.put("queue-capacity", setting(origins, "queue-capacity", settings.queueCapacity()));
		described.put("keep-alive", duration(origins, "keep-alive", settings.keepAlive()));
		described.put("submit-timeout", duration(origins, "submit-timeout", settings.submitTimeout()));
		described.put("await-termination", duration(origins, "await-termination", settings.awaitTermination()));
		described.put("max-fan-out-parallelism",
				setting(origins, "max-fan-out-parallelism", settings.maxFanOutParallelism()));
		Map<String, Object> section = new LinkedHashMap<>();
		section.put("settings", described);
		section.put("state", executor.getState());
		return section;
	}

	private Map<String, String> origins(String name) {
		try {
			if (ExecutorSettingsResolver.APPLICATION_TASK_EXECUTOR.equals(name)) {
				return this.resolver.application(this.properties).origins();
			}
			PoolProperties pool = this.properties.getPools().get(name);
			return (pool != null) ? this.resolver.pool(name, pool).origins() : Map.of();
		}
		catch (RuntimeException ex) {
			return Map.of();
		}
	}

	private Object duration(Map<String, String> origins, String key, Duration value) {
		return setting(origins, key, PropertyCheck.format(value));
	}

	private Object setting(Map<String, String> origins, String key, Object value) {
		String property = origins.get(key);
		if (property == null) {
			return new ExecutorSetting(null, value, "application");
		}
		Setting setting = this.settingSources.describe(property, value);
		return new ExecutorSetting(property, setting.value(), setting.source());
	}

	/**
	 * One setting of an executor in the endpoint.
	 *
	 * @param property the property the value comes from, or {@code null} for an executor
	 * the application built itself
	 * @param value the value in force
	 * @param source where the value comes from
	 */
	record ExecutorSetting(@Nullable String property, @Nullable Object value, String source) {

	}

}
