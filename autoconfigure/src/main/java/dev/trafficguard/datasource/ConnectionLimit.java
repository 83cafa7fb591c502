package dev.trafficguard.datasource;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of the connection-limit check for one pool, as the actuator endpoint shows
 * it.
 *
 * @param status {@code ok}, {@code oversubscribed}, {@code unknown} (the database could not
 * be asked), {@code not-supported} (a database whose limit Traffic Guard cannot read) or
 * {@code off}
 * @param database the database product, such as {@code PostgreSQL}
 * @param maxConnections the database's {@code max_connections}
 * @param reservedConnections connections the database keeps for superusers or roles with
 * reserved connections
 * @param availableConnections what is left for the application's pools
 * @param expectedInstances the instances expected to share the database
 * @param maximumPoolSize the pool's maximum size
 * @param demand expected instances times the maximum pool size
 * @param detail why the check could not be made, or {@code null}
 */
record ConnectionLimit(String status, @Nullable String database, @Nullable Integer maxConnections,
		@Nullable Integer reservedConnections, @Nullable Integer availableConnections, int expectedInstances,
		int maximumPoolSize, long demand, @Nullable String detail) {

	static final String OK = "ok";

	static final String OVERSUBSCRIBED = "oversubscribed";

	static final String UNKNOWN = "unknown";

	static final String NOT_SUPPORTED = "not-supported";

	static final String OFF = "off";

	/**
	 * The outcome as the actuator endpoint shows it, with the property-style names the
	 * rest of the section uses, and without the figures the check could not read.
	 * @return the outcome
	 */
	Map<String, Object> toMap() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("status", this.status);
		putIfKnown(map, "database", this.database);
		putIfKnown(map, "max-connections", this.maxConnections);
		putIfKnown(map, "reserved-connections", this.reservedConnections);
		putIfKnown(map, "available-connections", this.availableConnections);
		map.put("expected-instances", this.expectedInstances);
		map.put("maximum-pool-size", this.maximumPoolSize);
		map.put("demand", this.demand);
		putIfKnown(map, "detail", this.detail);
		return map;
	}

	private static void putIfKnown(Map<String, Object> map, String key, @Nullable Object value) {
		if (value != null) {
			map.put(key, value);
		}
	}

	static ConnectionLimit of(DatabaseConnectionLimit limit, int expectedInstances, int maximumPoolSize) {
		long demand = (long) expectedInstances * maximumPoolSize;
		return new ConnectionLimit((demand > limit.available()) ? OVERSUBSCRIBED : OK, limit.database(),
				limit.maxConnections(), limit.reservedConnections(), limit.available(), expectedInstances,
				maximumPoolSize, demand, null);
	}

	static ConnectionLimit unchecked(String status, @Nullable String database, int expectedInstances,
			int maximumPoolSize, @Nullable String detail) {
		return new ConnectionLimit(status, database, null, null, null, expectedInstances, maximumPoolSize,
				(long) expectedInstances * maximumPoolSize, detail);
	}

}
