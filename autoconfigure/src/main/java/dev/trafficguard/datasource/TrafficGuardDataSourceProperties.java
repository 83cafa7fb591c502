package dev.trafficguard.datasource;

import java.time.Duration;

import dev.trafficguard.properties.PropertyCheck;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for tuned database connection pools: what Spring Boot has no
 * {@code spring.datasource.hikari.*} property for.
 */
@ConfigurationProperties(TrafficGuardDataSourceProperties.PREFIX)
public class TrafficGuardDataSourceProperties implements InitializingBean {

	static final String PREFIX = "traffic-guard.datasource";

	static final int MAX_INSTANCES = 10_000;

	static final int MAX_DATABASE_CORES = 1024;

	/**
	 * Whether HikariCP pools are tuned, checked against the database's connection limit,
	 * answered with 503 when saturated and drained last on shutdown. When false, Spring
	 * Boot's and HikariCP's own defaults apply.
	 */
	private boolean enabled = true;

	/**
	 * How many instances of this application share the database. Each pool's default
	 * maximum size is the database's share divided among them, and the connection-limit
	 * check multiplies each pool's maximum by it.
	 */
	private int expectedInstances = 1;

	/**
	 * CPU cores of the database server. The default maximum pool size follows HikariCP's
	 * sizing guidance, cores * 2 + 1 connections for the database as a whole, shared by the
	 * expected instances.
	 */
	private int databaseCores = 4;

	/**
	 * What happens at startup when expected-instances times a pool's maximum size exceeds
	 * the connections the database allows: warn (log it), fail (stop startup) or off (do
	 * not ask the database).
	 */
	private Oversubscription oversubscription = Oversubscription.WARN;

	private final Saturation saturation = new Saturation();

	private final ConnectionLost connectionLost = new ConnectionLost();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getExpectedInstances() {
		return this.expectedInstances;
	}

	public void setExpectedInstances(int expectedInstances) {
		this.expectedInstances = expectedInstances;
	}

	public int getDatabaseCores() {
		return this.databaseCores;
	}

	public void setDatabaseCores(int databaseCores) {
		this.databaseCores = databaseCores;
	}

	public Oversubscription getOversubscription() {
		return this.oversubscription;
	}

	public void setOversubscription(Oversubscription oversubscription) {
		this.oversubscription = oversubscription;
	}

	public Saturation getSaturation() {
		return this.saturation;
	}

	public ConnectionLost getConnectionLost() {
		return this.connectionLost;
	}

	@Override
	public void afterPropertiesSet() {
		PropertyCheck.between(PREFIX + ".expected-instances", this.expectedInstances, 1, MAX_INSTANCES);
		PropertyCheck.between(PREFIX + ".database-cores", this.databaseCores, 1, MAX_DATABASE_CORES);
		PropertyCheck.between(PREFIX + ".saturation.retry-after", this.saturation.getRetryAfter(),
				Duration.ofSeconds(1), Duration.ofHours(1));
		PropertyCheck.between(PREFIX + ".connection-lost.retry-after", this.connectionLost.getRetryAfter(),
				Duration.ofSeconds(1), Duration.ofHours(1));
	}

	/**
	 * The answer to a request that could not get a connection in time.
	 */
	public static class Saturation {

		/**
		 * Retry-After sent with the 503 answer to a request that got no connection within
		 * spring.datasource.hikari.connection-timeout.
		 */
		private Duration retryAfter = Duration.ofSeconds(1);

		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		public void setRetryAfter(Duration retryAfter) {
			this.retryAfter = retryAfter;
		}

	}

	/**
	 * The answer to a request whose database connection was lost while it used it.
	 */
	public static class ConnectionLost {

		/**
		 * Retry-After sent with the 503 answer to a request whose connection was lost (the
		 * server ended the session or the network broke); the pool replaces the connection
		 * meanwhile.
		 */
		private Duration retryAfter = Duration.ofSeconds(1);

		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		public void setRetryAfter(Duration retryAfter) {
			this.retryAfter = retryAfter;
		}

	}

	/**
	 * What the connection-limit check does when the pools of all instances do not fit into
	 * the database's connection limit.
	 */
	public enum Oversubscription {

		/**
		 * Log a warning naming both figures.
		 */
		WARN,

		/**
		 * Stop startup.
		 */
		FAIL,

		/**
		 * Do not ask the database.
		 */
		OFF

	}

}
