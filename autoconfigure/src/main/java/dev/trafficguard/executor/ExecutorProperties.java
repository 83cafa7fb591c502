package dev.trafficguard.executor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import dev.trafficguard.properties.PropertyCheck;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for bounded executors: the {@code applicationTaskExecutor}
 * ({@code traffic-guard.executor.*}) and named bulkheads
 * ({@code traffic-guard.executor.pools.<name>.*}, same keys).
 */
@ConfigurationProperties(ExecutorProperties.PREFIX)
public class ExecutorProperties extends PoolProperties implements InitializingBean {

	static final String PREFIX = "traffic-guard.executor";

	private static final Pattern POOL_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

	/**
	 * Whether the applicationTaskExecutor and the bulkheads are bounded executors.
	 */
	private boolean enabled = true;

	/**
	 * More bounded executors (bulkheads), by name, each with its own threads, queue,
	 * metrics and endpoint section, so that slow I/O work and CPU work do not share one
	 * queue. Keys not set take the same defaults as traffic-guard.executor.*.
	 */
	private Map<String, PoolProperties> pools = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, PoolProperties> getPools() {
		return this.pools;
	}

	public void setPools(Map<String, PoolProperties> pools) {
		this.pools = pools;
	}

	@Override
	public void afterPropertiesSet() {
		check(PREFIX);
		this.pools.forEach((name, pool) -> {
			PropertyCheck.check(POOL_NAME.matcher(name).matches(), PREFIX + ".pools", name,
					"a name of lower-case letters, digits and dashes that starts with a letter");
			pool.check(PREFIX + ".pools." + name);
		});
	}

}
