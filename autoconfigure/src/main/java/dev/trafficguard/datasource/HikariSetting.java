package dev.trafficguard.datasource;

import java.time.Duration;
import java.util.function.ObjLongConsumer;
import java.util.function.ToLongFunction;

import com.zaxxer.hikari.HikariConfig;

/**
 * The HikariCP settings that Traffic Guard tunes: their property name under
 * {@code spring.datasource.hikari}, HikariCP's own default and Traffic Guard's default.
 * Durations are in milliseconds, as HikariCP and its Spring Boot properties take them.
 */
enum HikariSetting {

	/**
	 * Connections the pool holds at most; Traffic Guard's default follows HikariCP's sizing
	 * guidance (database cores * 2 + 1, shared by the expected instances).
	 */
	MAXIMUM_POOL_SIZE("maximum-pool-size", 10, -1, HikariConfig::getMaximumPoolSize,
			(config, value) -> config.setMaximumPoolSize((int) value)),

	/**
	 * Idle connections the pool keeps; Traffic Guard's default is a quarter of the maximum,
	 * rounded up, so that a quiet instance gives connections back to the database.
	 */
	MINIMUM_IDLE("minimum-idle", -1, -1, HikariConfig::getMinimumIdle,
			(config, value) -> config.setMinimumIdle((int) value)),

	/**
	 * How long a caller waits for a connection: a few seconds, so that a saturated pool
	 * fails fast instead of queueing every request for 30 seconds.
	 */
	CONNECTION_TIMEOUT("connection-timeout", Duration.ofSeconds(30), Duration.ofSeconds(2),
			HikariConfig::getConnectionTimeout, HikariConfig::setConnectionTimeout),

	/**
	 * How long a connection's liveness check (JDBC4 isValid) may take; less than the
	 * connection timeout.
	 */
	VALIDATION_TIMEOUT("validation-timeout", Duration.ofSeconds(5), Duration.ofSeconds(1),
			HikariConfig::getValidationTimeout, HikariConfig::setValidationTimeout),

	/**
	 * How long a connection above the minimum may sit idle before it is closed.
	 */
	IDLE_TIMEOUT("idle-timeout", Duration.ofMinutes(10), Duration.ofMinutes(1), HikariConfig::getIdleTimeout,
			HikariConfig::setIdleTimeout),

	/**
	 * How long a connection lives at most, so that fail-overs, DNS changes and
	 * credential rotation reach every connection within minutes.
	 */
	MAX_LIFETIME("max-lifetime", Duration.ofMinutes(30), Duration.ofMinutes(5), HikariConfig::getMaxLifetime,
			HikariConfig::setMaxLifetime),

	/**
	 * How often an idle connection is checked, which also keeps firewalls and NAT gateways
	 * from dropping it silently.
	 */
	KEEPALIVE_TIME("keepalive-time", Duration.ofMinutes(2), Duration.ofMinutes(1), HikariConfig::getKeepaliveTime,
			HikariConfig::setKeepaliveTime),

	/**
	 * How long a connection may be out of the pool before HikariCP logs a possible leak
	 * with the stack trace of the code that took it.
	 */
	LEAK_DETECTION_THRESHOLD("leak-detection-threshold", 0, 20_000, HikariConfig::getLeakDetectionThreshold,
			HikariConfig::setLeakDetectionThreshold);

	/**
	 * Prefix of Spring Boot's properties for its auto-configured HikariCP pool.
	 */
	static final String SPRING_PREFIX = "spring.datasource.hikari";

	private final String property;

	private final long hikariDefault;

	private final long trafficGuardDefault;

	private final ToLongFunction<HikariConfig> getter;

	private final ObjLongConsumer<HikariConfig> setter;

	HikariSetting(String property, Duration hikariDefault, Duration trafficGuardDefault,
			ToLongFunction<HikariConfig> getter, ObjLongConsumer<HikariConfig> setter) {
		this(property, hikariDefault.toMillis(), trafficGuardDefault.toMillis(), getter, setter);
	}

	HikariSetting(String property, long hikariDefault, long trafficGuardDefault, ToLongFunction<HikariConfig> getter,
			ObjLongConsumer<HikariConfig> setter) {
		this.property = property;
		this.hikariDefault = hikariDefault;
		this.trafficGuardDefault = trafficGuardDefault;
		this.getter = getter;
		this.setter = setter;
	}

	/**
	 * The property's name relative to a pool's prefix, such as {@code maximum-pool-size}.
	 * @return the name
	 */
	String property() {
		return this.property;
	}

	/**
	 * HikariCP's own default, as a freshly created {@code HikariConfig} holds it.
	 * @return the default
	 */
	long hikariDefault() {
		return this.hikariDefault;
	}

	/**
	 * Traffic Guard's default.
	 * @param maximumPoolSize Traffic Guard's default maximum pool size
	 * @param effectiveMaximumPoolSize the maximum pool size in force, the user's if set
	 * @return the default
	 */
	long trafficGuardDefault(int maximumPoolSize, int effectiveMaximumPoolSize) {
		return switch (this) {
			case MAXIMUM_POOL_SIZE -> maximumPoolSize;
			case MINIMUM_IDLE -> minimumIdle(effectiveMaximumPoolSize);
			default -> this.trafficGuardDefault;
		};
	}

	long get(HikariConfig config) {
		return this.getter.applyAsLong(config);
	}

	void set(HikariConfig config, long value) {
		this.setter.accept(config, value);
	}

	/**
	 * Traffic Guard's default maximum pool size: HikariCP's guidance of database cores * 2
	 * plus one effective spindle (an SSD keeps a connection busy while it waits for I/O
	 * about as often as one disk would), shared by the instances, at least 2.
	 * @param databaseCores the database server's cores
	 * @param expectedInstances the instances sharing the database
	 * @return the size
	 */
	static int maximumPoolSize(int databaseCores, int expectedInstances) {
		int connections = databaseCores * 2 + 1;
		int instances = Math.max(1, expectedInstances);
		return Math.max(2, (connections + instances - 1) / instances);
	}

	/**
	 * Traffic Guard's default minimum idle: a quarter of the maximum, rounded up.
	 * @param maximumPoolSize the maximum pool size in force
	 * @return the minimum idle
	 */
	static int minimumIdle(int maximumPoolSize) {
		return Math.max(1, (maximumPoolSize + 3) / 4);
	}

}
