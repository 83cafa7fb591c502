package dev.trafficguard.datasource;

import java.sql.Connection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.trafficguard.datasource.TrafficGuardDataSourceProperties.Oversubscription;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Checks at startup, once every bean exists and before the web server accepts requests,
 * that the pools of all expected instances fit into the connections the database allows:
 * {@code expected-instances × maximum-pool-size} against {@code max_connections} less the
 * connections the database reserves. Too many is logged as a warning naming both figures,
 * or stops startup with {@code traffic-guard.datasource.oversubscription=fail}.
 * <p>
 * A database that cannot be reached at startup is not a reason to fail here: HikariCP's own
 * settings ({@code initialization-fail-timeout}) decide that. The check is then reported as
 * {@code unknown}. A lazy data source bean that nothing has created by then is not created
 * for the check.
 */
public final class ConnectionLimitCheck implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(ConnectionLimitCheck.class);

	private final HikariPools pools;

	private final TrafficGuardDataSourceProperties properties;

	private volatile Map<String, ConnectionLimit> results = Map.of();

	ConnectionLimitCheck(HikariPools pools, TrafficGuardDataSourceProperties properties) {
		this.pools = pools;
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, ConnectionLimit> checked = new LinkedHashMap<>();
		this.pools.find().forEach((name, pool) -> checked.put(name, check(name, pool)));
		this.results = Collections.unmodifiableMap(checked);
	}

	/**
	 * The outcome for a pool.
	 * @param beanName the name of the pool's bean
	 * @return the outcome, or {@code null} if the pool was not checked
	 */
	@Nullable ConnectionLimit resultOf(String beanName) {
		return this.results.get(beanName);
	}

	ConnectionLimit check(String name, HikariDataSource pool) {
		int instances = this.properties.getExpectedInstances();
		int maximumPoolSize = pool.getMaximumPoolSize();
		if (this.properties.getOversubscription() == Oversubscription.OFF) {
			return ConnectionLimit.unchecked(ConnectionLimit.OFF, null, instances, maximumPoolSize, null);
		}
		DatabaseConnectionLimit limit;
		String database = null;
		try (Connection connection = pool.getConnection()) {
			database = connection.getMetaData().getDatabaseProductName();
			limit = DatabaseConnectionLimit.read(connection);
		}
		catch (Exception ex) {
			logger.warn("Could not check pool '" + name + "' against the database's connection limit: "
					+ ex.getMessage());
			return ConnectionLimit.unchecked(ConnectionLimit.UNKNOWN, database, instances, maximumPoolSize,
					String.valueOf(ex.getMessage()));
		}
		if (limit == null) {
			return ConnectionLimit.unchecked(ConnectionLimit.NOT_SUPPORTED, database, instances, maximumPoolSize,
					"Traffic Guard reads the connection limit of PostgreSQL, MySQL and MariaDB");
		}
		ConnectionLimit result = ConnectionLimit.of(limit, instances, maximumPoolSize);
		if (ConnectionLimit.OVERSUBSCRIBED.equals(result.status())) {
			String message = describe(name, result, limit);
			if (this.properties.getOversubscription() == Oversubscription.FAIL) {
				throw new ConnectionLimitExceededException(message);
			}
			logger.warn(message);
		}
		return result;
	}

	private static String describe(String name, ConnectionLimit result, DatabaseConnectionLimit limit) {
		return "Database connection pools oversubscribed: traffic-guard.datasource.expected-instances="
				+ result.expectedInstances() + " * maximum-pool-size=" + result.maximumPoolSize() + " of pool '"
				+ name + "' = " + result.demand() + " connections, but " + limit.database() + " allows "
				+ limit.available() + " (max_connections=" + limit.maxConnections() + " less "
				+ limit.reservedConnections() + " reserved)";
	}

}
