package dev.trafficguard.ratelimit;

import dev.trafficguard.actuate.HealthStatuses;
import dev.trafficguard.ratelimit.RateLimitProperties.FailureMode;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@link HealthIndicator} for the Redis rate-limit backend. It asks Redis for a
 * {@code PING} within {@code redis-timeout}. When Redis does not answer, it is
 * {@code DEGRADED} with failure mode {@code open} (requests pass unlimited: the service
 * works, so an instance should not be taken out of a load balancer for it) and
 * {@code DOWN} with failure mode {@code closed} (requests are answered 503).
 */
final class RateLimitHealthIndicator implements HealthIndicator {

	/**
	 * The status of a backend that is down while requests pass unlimited.
	 */
	static final Status DEGRADED = new Status(HealthStatuses.DEGRADED, "Redis does not answer: requests pass unlimited");

	private final RateLimitBackend backend;

	RateLimitHealthIndicator(RateLimitBackend backend) {
		this.backend = backend;
	}

	@Override
	public Health health() {
		if (!(this.backend instanceof RedisRateLimitBackend redis)) {
			return Health.up().withDetails(this.backend.describe()).build();
		}
		boolean up = redis.check();
		Health.Builder builder;
		if (up) {
			builder = Health.up();
		}
		else {
			builder = Health.status((redis.failureMode() == FailureMode.OPEN) ? DEGRADED : Status.DOWN);
		}
		return builder.withDetails(this.backend.describe()).build();
	}

}
