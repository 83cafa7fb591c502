package dev.trafficguard.audit;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Finds HikariCP pools whose settings remove a bound ({@code datasource.no-connection-timeout},
 * {@code datasource.no-max-lifetime}, {@code datasource.no-leak-detection}) and, in a
 * servlet application on Tomcat's platform threads, pools larger than the request threads
 * could ever use ({@code datasource.pool-larger-than-threads}). Whether the pools of all
 * instances fit into the database's {@code max_connections} is checked where the pools are
 * tuned, by the {@code datasource} feature.
 */
final class ConnectionPoolInspection implements Inspection {

	private static final int TOMCAT_DEFAULT_MAX_THREADS = 200;

	private final boolean servletOnTomcat;

	/**
	 * Create an inspection.
	 * @param servletOnTomcat whether requests are served by Tomcat's request threads
	 */
	ConnectionPoolInspection(boolean servletOnTomcat) {
		this.servletOnTomcat = servletOnTomcat;
	}

	@Override
	public String name() {
		return "connection-pools";
	}

	@Override
	public void inspect(AuditScope scope) {
		Integer requestThreads = requestThreads(scope);
		scope.eachBean(HikariDataSource.class, (name, pool) -> {
			String subject = AuditScope.bean(name);
			// HikariCP stores a connection timeout of 0 as Integer.MAX_VALUE
			if (pool.getConnectionTimeout() == 0 || pool.getConnectionTimeout() >= Integer.MAX_VALUE) {
				scope.report(FindingType.POOL_NO_CONNECTION_TIMEOUT.at(subject, "connection-timeout is 0 (no limit)"));
			}
			if (pool.getMaxLifetime() == 0) {
				scope.report(FindingType.POOL_NO_MAX_LIFETIME.at(subject, "max-lifetime is 0 (no limit)"));
			}
			if (pool.getLeakDetectionThreshold() == 0) {
				scope.report(FindingType.POOL_NO_LEAK_DETECTION.at(subject, "leak-detection-threshold is 0 (off)"));
			}
			if (requestThreads != null && pool.getMaximumPoolSize() > requestThreads) {
				scope.report(FindingType.POOL_LARGER_THAN_THREADS.at(subject, "maximum-pool-size is "
						+ pool.getMaximumPoolSize() + " but Tomcat serves requests on at most " + requestThreads
						+ " threads (server.tomcat.threads.max)"));
			}
		});
	}

	private Integer requestThreads(AuditScope scope) {
		if (!this.servletOnTomcat || Boolean.TRUE.equals(scope.property("spring.threads.virtual.enabled",
				Boolean.class))) {
			return null;
		}
		Integer threads = scope.property("server.tomcat.threads.max", Integer.class);
		return (threads != null && threads > 0) ? threads : TOMCAT_DEFAULT_MAX_THREADS;
	}

}
