package dev.trafficguard.executor;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.properties.SettingSource;
import dev.trafficguard.properties.SettingSources;

import org.springframework.boot.autoconfigure.task.TaskExecutionProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;

/**
 * Works out the effective settings of each bounded executor and which property each comes
 * from. For the {@code applicationTaskExecutor}, a {@code spring.task.execution.*} value that
 * the user set wins over {@code traffic-guard.executor.*}: it is Spring Boot's own name for
 * the same setting. Boot's defaults for those properties (an unbounded queue and maximum
 * size) are never used.
 */
final class ExecutorSettingsResolver {

	static final String APPLICATION_TASK_EXECUTOR = "applicationTaskExecutor";

	private static final String BOOT = "spring.task.execution";

	private final Environment environment;

	private final SettingSources settingSources;

	private final boolean virtualThreads;

	ExecutorSettingsResolver(Environment environment) {
		this.environment = environment;
		this.settingSources = new SettingSources(environment);
		this.virtualThreads = Threading.VIRTUAL.isActive(environment);
	}

	boolean isVirtualThreads() {
		return this.virtualThreads;
	}

	/**
	 * The settings of the {@code applicationTaskExecutor}, checked.
	 * @param properties Traffic Guard's properties
	 * @return the settings and the property each comes from
	 */
	Resolved application(PoolProperties properties) {
		TaskExecutionProperties boot = Binder.get(this.environment).bindOrCreate(BOOT, TaskExecutionProperties.class);
		TaskExecutionProperties.Pool bootPool = boot.getPool();
		Map<String, String> origins = new LinkedHashMap<>();
		String prefix = ExecutorProperties.PREFIX;
		int coreSize = pick(origins, "core-size", prefix, BOOT + ".pool.core-size", properties.getCoreSize(),
				bootPool.getCoreSize());
		// Unless set, the maximum size and the queue capacity follow the core size in force.
		int maxSize;
		if (this.virtualThreads) {
			Integer limit = boot.getSimple().getConcurrencyLimit();
			maxSize = pick(origins, "max-size", prefix, BOOT + ".simple.concurrency-limit",
					properties.maxSizeFor(coreSize), (limit != null) ? limit : -1);
		}
		else {
			maxSize = pick(origins, "max-size", prefix, BOOT + ".pool.max-size", properties.maxSizeFor(coreSize),
					bootPool.getMaxSize());
		}
		int queueCapacity = pick(origins, "queue-capacity", prefix, BOOT + ".pool.queue-capacity",
				properties.queueCapacityFor(coreSize), bootPool.getQueueCapacity());
		Duration keepAlive = pick(origins, "keep-alive", prefix, BOOT + ".pool.keep-alive", properties.getKeepAlive(),
				bootPool.getKeepAlive());
		origins.put("submit-timeout", prefix + ".submit-timeout");
		Duration awaitTermination = awaitTermination(origins, properties, boot.getShutdown());
		origins.put("max-fan-out-parallelism", prefix + ".max-fan-out-parallelism");
		int maxFanOutParallelism = properties.maxFanOutParallelismFor(maxSize);
		check(origins, coreSize, maxSize, queueCapacity, keepAlive, awaitTermination, maxFanOutParallelism);
		ExecutorSettings settings = new ExecutorSettings(coreSize, maxSize, queueCapacity, keepAlive,
				bootPool.isAllowCoreThreadTimeout(), properties.getSubmitTimeout(), awaitTermination,
				boot.getThreadNamePrefix(), this.virtualThreads, maxFanOutParallelism);
		return new Resolved(settings, origins);
	}

	private Duration awaitTermination(Map<String, String> origins, PoolProperties properties,
			TaskExecutionProperties.Shutdown shutdown) {
		String flag = BOOT + ".shutdown.await-termination";
		if (isUserSet(flag) && !shutdown.isAwaitTermination()) {
			// The user asked Boot not to wait: then the drain window is empty.
			origins.put("await-termination", flag);
			return Duration.ZERO;
		}
		Duration period = shutdown.getAwaitTerminationPeriod();
		return pick(origins, "await-termination", ExecutorProperties.PREFIX,
				BOOT + ".shutdown.await-termination-period", properties.getAwaitTermination(),
				(period != null) ? period : properties.getAwaitTermination());
	}

	/**
	 * The settings of a bulkhead, checked.
	 * @param name the bulkhead's name
	 * @param properties its properties
	 * @return the settings and the property each comes from
	 */
	Resolved pool(String name, PoolProperties properties) {
		String prefix = ExecutorProperties.PREFIX + ".pools." + name;
		Map<String, String> origins = new LinkedHashMap<>();
		for (String key : new String[] { "core-size", "max-size", "queue-capacity", "keep-alive", "submit-timeout",
				"await-termination", "max-fan-out-parallelism" }) {
			origins.put(key, prefix + "." + key);
		}
		int coreSize = properties.getCoreSize();
		int maxSize = properties.maxSizeFor(coreSize);
		int queueCapacity = properties.queueCapacityFor(coreSize);
		int maxFanOutParallelism = properties.maxFanOutParallelismFor(maxSize);
		check(origins, coreSize, maxSize, queueCapacity, properties.getKeepAlive(), properties.getAwaitTermination(),
				maxFanOutParallelism);
		ExecutorSettings settings = new ExecutorSettings(coreSize, maxSize, queueCapacity, properties.getKeepAlive(),
				true, properties.getSubmitTimeout(), properties.getAwaitTermination(), name + "-",
				this.virtualThreads, maxFanOutParallelism);
		return new Resolved(settings, origins);
	}

	private <T> T pick(Map<String, String> origins, String key, String prefix, String bootProperty, T ours, T boots) {
		if (isUserSet(bootProperty)) {
			origins.put(key, bootProperty);
			return boots;
		}
		origins.put(key, prefix + "." + key);
		return ours;
	}

	private boolean isUserSet(String property) {
		return this.settingSources.sourceOf(property) == SettingSource.USER;
	}

	private void check(Map<String, String> origins, int coreSize, int maxSize, int queueCapacity, Duration keepAlive,
			Duration awaitTermination, int maxFanOutParallelism) {
		PropertyCheck.between(origins.get("core-size"), coreSize, 1, PoolProperties.MAX_THREADS);
		PropertyCheck.between(origins.get("max-size"), maxSize, 1, PoolProperties.MAX_THREADS);
		if (!this.virtualThreads) {
			PropertyCheck.check(maxSize >= coreSize, origins.get("max-size"), maxSize,
					"at least the core size (" + coreSize + ")");
		}
		PropertyCheck.between(origins.get("queue-capacity"), queueCapacity, 1, PoolProperties.MAX_QUEUE_CAPACITY);
		PropertyCheck.between(origins.get("keep-alive"), keepAlive, Duration.ofMillis(1),
				PoolProperties.MAX_KEEP_ALIVE);
		PropertyCheck.between(origins.get("await-termination"), awaitTermination, Duration.ZERO,
				PoolProperties.MAX_AWAIT_TERMINATION);
		PropertyCheck.check(maxFanOutParallelism >= 1 && maxFanOutParallelism <= maxSize,
				origins.get("max-fan-out-parallelism"), maxFanOutParallelism,
				"between 1 and the max size (" + maxSize + ")");
	}

	/**
	 * Effective settings and the property each comes from.
	 *
	 * @param settings the settings
	 * @param origins the property each setting comes from, by key such as
	 * {@code core-size}
	 */
	record Resolved(ExecutorSettings settings, Map<String, String> origins) {

	}

}
