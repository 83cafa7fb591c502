package dev.trafficguard.ratelimit;

import java.time.Duration;

import dev.trafficguard.properties.InvalidPropertyException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.util.ClassUtils;

/**
 * Creates the Redis backend from Spring Boot's Redis connection details
 * ({@code spring.data.redis.*}). Kept apart so that the Redis classes are loaded only when
 * the Redis backend is configured.
 */
final class RedisBackendFactory {

	private static final String[] REQUIRED_CLASSES = { "io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager",
			"io.lettuce.core.RedisClient", "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails" };

	/**
	 * How long startup waits for the first connection. Redis being down is not a startup
	 * failure: decisions follow the failure mode until it answers.
	 */
	private static final Duration FIRST_CONNECTION_WAIT = Duration.ofSeconds(2);

	private RedisBackendFactory() {
	}

	static boolean isPresent(@Nullable ClassLoader classLoader) {
		for (String name : REQUIRED_CLASSES) {
			if (!ClassUtils.isPresent(name, classLoader)) {
				return false;
			}
		}
		return true;
	}

	static RedisRateLimitBackend create(RateLimitProperties properties, ListableBeanFactory beanFactory) {
		DataRedisConnectionDetails details = beanFactory.getBeanProvider(DataRedisConnectionDetails.class)
			.getIfAvailable();
		if (details == null) {
			throw new InvalidPropertyException(RateLimitProperties.PREFIX + ".backend", "redis",
					"local unless Spring Boot's Redis support (spring-boot-starter-data-redis) is configured");
		}
		Duration timeout = properties.getRedisTimeout();
		RedisBucketConnection connection = new RedisBucketConnection(redisUri(details, timeout), timeout,
				sslOptions(details.getSslBundle()));
		connection.connect(FIRST_CONNECTION_WAIT);
		return new RedisRateLimitBackend(connection, timeout, properties.getFailureMode());
	}

	private static RedisURI redisUri(DataRedisConnectionDetails details, Duration timeout) {
		if (details.getCluster() != null || details.getMasterReplica() != null) {
			throw new InvalidPropertyException(RateLimitProperties.PREFIX + ".backend", "redis",
					"local with a Redis cluster or master/replica setup: the rate limiter supports standalone"
							+ " and sentinel Redis");
		}
		RedisURI.Builder builder;
		DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
		if (sentinel != null && !sentinel.getNodes().isEmpty()) {
			DataRedisConnectionDetails.Node first = sentinel.getNodes().get(0);
			builder = RedisURI.Builder.sentinel(first.host(), first.port(), sentinel.getMaster());
			for (DataRedisConnectionDetails.Node node : sentinel.getNodes().subList(1, sentinel.getNodes().size())) {
				builder.withSentinel(node.host(), node.port());
			}
			builder.withDatabase(sentinel.getDatabase());
		}
		else {
			DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
			builder = RedisURI.Builder.redis(standalone.getHost(), standalone.getPort())
				.withDatabase(standalone.getDatabase());
		}
		String password = details.getPassword();
		if (password != null) {
			String username = details.getUsername();
			if (username != null) {
				builder.withAuthentication(username, password);
			}
			else {
				builder.withPassword(password.toCharArray());
			}
		}
		if (details.getSslBundle() != null) {
			builder.withSsl(true);
		}
		return builder.withTimeout(timeout).build();
	}

	private static @Nullable SslOptions sslOptions(@Nullable SslBundle bundle) {
		if (bundle == null) {
			return null;
		}
		return SslOptions.builder()
			.jdkSslProvider()
			.keyManager(bundle.getManagers().getKeyManagerFactory())
			.trustManager(bundle.getManagers().getTrustManagerFactory())
			.build();
	}

}
