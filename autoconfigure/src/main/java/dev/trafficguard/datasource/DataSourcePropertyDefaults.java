package dev.trafficguard.datasource;

import java.util.Map;

import dev.trafficguard.properties.PropertyDefaults;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Traffic Guard's defaults for Spring Boot's auto-configured HikariCP pool
 * ({@code spring.datasource.hikari.*}). The minimum idle follows the maximum pool size in
 * force, the user's if they set one. A fixed-size pool (minimum idle equal to the maximum)
 * gets no idle timeout, which would have no effect on it. HikariCP's warning with a stack
 * trace for each connection it marks broken is lowered to errors only: Traffic Guard logs a
 * lost connection as one line.
 */
public final class DataSourcePropertyDefaults implements PropertyDefaults {

	private static final String HIKARI_DATA_SOURCE = "com.zaxxer.hikari.HikariDataSource";

	/**
	 * HikariCP logs a connection it marks broken at WARN with the driver's stack trace, once
	 * per connection; a lost connection is a transient fault that
	 * {@link ConnectionLostProblemMapper} answers and logs as one line.
	 */
	static final String BROKEN_CONNECTION_LOGGER = "logging.level[com.zaxxer.hikari.pool.ProxyConnection]";

	@Override
	public String feature() {
		return "datasource";
	}

	@Override
	public void contribute(Environment environment, Map<String, Object> defaults) {
		if (!ClassUtils.isPresent(HIKARI_DATA_SOURCE, DataSourcePropertyDefaults.class.getClassLoader())) {
			return;
		}
		int maximumPoolSize = HikariSetting.maximumPoolSize(
				intProperty(environment, TrafficGuardDataSourceProperties.PREFIX + ".database-cores", 4),
				intProperty(environment, TrafficGuardDataSourceProperties.PREFIX + ".expected-instances", 1));
		int effectiveMaximumPoolSize = intProperty(environment,
				HikariSetting.SPRING_PREFIX + "." + HikariSetting.MAXIMUM_POOL_SIZE.property(), maximumPoolSize);
		int effectiveMinimumIdle = intProperty(environment,
				HikariSetting.SPRING_PREFIX + "." + HikariSetting.MINIMUM_IDLE.property(),
				HikariSetting.minimumIdle(effectiveMaximumPoolSize));
		for (HikariSetting setting : HikariSetting.values()) {
			if (setting == HikariSetting.IDLE_TIMEOUT && effectiveMinimumIdle >= effectiveMaximumPoolSize) {
				// A fixed-size pool retires no idle connection; HikariCP warns if it is set.
				continue;
			}
			defaults.put(HikariSetting.SPRING_PREFIX + "." + setting.property(),
					setting.trafficGuardDefault(maximumPoolSize, effectiveMaximumPoolSize));
		}
		defaults.put(BROKEN_CONNECTION_LOGGER, "error");
	}

	/**
	 * Read a whole number. A value that is not one is left to the startup checks, which
	 * report it naming the property; the defaults are derived as if it were not set.
	 */
	private static int intProperty(Environment environment, String name, int fallback) {
		try {
			@Nullable Integer value = environment.getProperty(name, Integer.class);
			return (value != null && value > 0) ? value : fallback;
		}
		catch (RuntimeException ex) {
			return fallback;
		}
	}

}
