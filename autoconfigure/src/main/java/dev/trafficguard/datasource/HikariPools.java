package dev.trafficguard.datasource;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Finds the application's HikariCP pools: every {@link DataSource} bean that is, or wraps,
 * a {@link HikariDataSource}.
 */
final class HikariPools {

	private final ListableBeanFactory beanFactory;

	HikariPools(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/**
	 * The pools of the data source beans that exist, each once, by the name of the bean that
	 * exposes it. A lazy bean that nothing has created yet is left alone, so this is safe to
	 * call while the context closes or from the actuator endpoint.
	 * @return the pools
	 */
	Map<String, HikariDataSource> find() {
		Map<String, HikariDataSource> pools = new LinkedHashMap<>();
		Map<HikariDataSource, Boolean> seen = new IdentityHashMap<>();
		for (String name : this.beanFactory.getBeanNamesForType(DataSource.class, false, false)) {
			if (this.beanFactory instanceof ConfigurableListableBeanFactory configurable
					&& !configurable.containsSingleton(name)) {
				continue;
			}
			HikariDataSource pool = unwrap(this.beanFactory.getBean(name, DataSource.class));
			if (pool != null && seen.put(pool, Boolean.TRUE) == null) {
				pools.put(name, pool);
			}
		}
		return pools;
	}

	private static @Nullable HikariDataSource unwrap(DataSource dataSource) {
		if (dataSource instanceof HikariDataSource pool) {
			return pool;
		}
		try {
			return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
		}
		catch (SQLException | RuntimeException ex) {
			return null;
		}
	}

}
