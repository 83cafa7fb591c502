package dev.trafficguard.actuate;

import java.util.Map;

/**
 * The custom health status Traffic Guard's indicators use, and its registration in Spring
 * Boot's status order and HTTP mapping. Spring Boot's aggregate health only knows
 * {@code DOWN}, {@code OUT_OF_SERVICE}, {@code UP} and {@code UNKNOWN}; a status missing
 * from {@code management.endpoint.health.status.order} is ignored by the aggregation, so a
 * feature that reports {@code DEGRADED} contributes this registration as a default.
 */
public final class HealthStatuses {

	/**
	 * The code of the status of a service that works, but not as it should: a rate limiter
	 * whose Redis does not answer while requests pass unlimited, a performance target past
	 * its warn level. It ranks between {@code OUT_OF_SERVICE} and {@code UP}, and answers
	 * HTTP 200, so that no instance is taken out of rotation for it.
	 */
	public static final String DEGRADED = "DEGRADED";

	/**
	 * Spring Boot's status order with {@link #DEGRADED} added.
	 */
	public static final String ORDER = "DOWN,OUT_OF_SERVICE," + DEGRADED + ",UP,UNKNOWN";

	private HealthStatuses() {
	}

	/**
	 * Add {@link #DEGRADED} to Spring Boot's status order and HTTP mapping, as property
	 * defaults: a user's {@code management.endpoint.health.status.order} replaces the whole
	 * order, and a user's HTTP mapping for any status wins over this one and is kept beside
	 * it. Spring Boot's own mapping of {@code DOWN} and {@code OUT_OF_SERVICE} to 503 applies
	 * only while no mapping is configured at all, so it is contributed too: without it, a
	 * {@code DOWN} service would answer 200.
	 * @param defaults the defaults to add to, keyed by canonical property name
	 */
	public static void contribute(Map<String, Object> defaults) {
		defaults.put("management.endpoint.health.status.order", ORDER);
		defaults.put("management.endpoint.health.status.http-mapping.down", 503);
		defaults.put("management.endpoint.health.status.http-mapping.out-of-service", 503);
		defaults.put("management.endpoint.health.status.http-mapping.degraded", 200);
	}

}
