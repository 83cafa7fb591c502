package dev.trafficguard.datasource;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;

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
	 * The pools, each once, by the name of the bean that exposes it.
	 * @return the pools
	 */
	Map<String, HikariDataSource> find() {
		Map<String, HikariDataSource> pools = new LinkedHashMap<>();
		Map<HikariDataSource, Boolean> seen = new IdentityHashMap<>();
		this.beanFactory.getBeansOfType(DataSource.class, false, false).forEach((name, dataSource) -> {
			HikariDataSource pool = unwrap(dataSource);
			if (pool != null && seen.put(pool, Boolean.TRUE) == null) {
				pools.put(name, pool);
			}
		});
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
