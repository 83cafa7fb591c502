package dev.trafficguard.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
		if (details.getMasterReplica() != null) {
			throw new InvalidPropertyException(RateLimitProperties.PREFIX + ".backend", "redis",
					"local with a static master/replica Redis setup: the rate limiter supports standalone, Sentinel"
							+ " and Cluster Redis");
		}
		DataRedisConnectionDetails.Cluster cluster = details.getCluster();
		List<RedisURI> uris = (cluster != null) ? clusterUris(details, cluster, timeout)
				: List.of(redisUri(details, timeout));
		RedisBucketConnection connection = new RedisBucketConnection(uris, cluster != null, timeout,
				sslOptions(details.getSslBundle()));
		connection.connect(FIRST_CONNECTION_WAIT);
		return new RedisRateLimitBackend(connection, timeout, properties.getFailureMode());
	}

	private static List<RedisURI> clusterUris(DataRedisConnectionDetails details,
			DataRedisConnectionDetails.Cluster cluster, Duration timeout) {
		List<RedisURI> uris = new ArrayList<>();
		for (DataRedisConnectionDetails.Node node : cluster.getNodes()) {
			uris.add(secured(RedisURI.Builder.redis(node.host(), node.port()), details).withTimeout(timeout).build());
		}
		return uris;
	}

	private static RedisURI redisUri(DataRedisConnectionDetails details, Duration timeout) {
		RedisURI.Builder builder;
		DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
		if (sentinel != null && !sentinel.getNodes().isEmpty()) {
			builder = RedisURI.builder().withSentinelMasterId(sentinel.getMaster());
			for (DataRedisConnectionDetails.Node node : sentinel.getNodes()) {
				// The Sentinels' own credentials (spring.data.redis.sentinel.username/password).
				RedisURI.Builder sentinelUri = RedisURI.Builder.redis(node.host(), node.port());
				authenticate(sentinelUri, sentinel.getUsername(), sentinel.getPassword());
				builder.withSentinel(sentinelUri.build());
			}
			builder.withDatabase(sentinel.getDatabase());
		}
		else {
			DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
			builder = RedisURI.Builder.redis(standalone.getHost(), standalone.getPort())
				.withDatabase(standalone.getDatabase());
		}
		return secured(builder, details).withTimeout(timeout).build();
	}

	private static RedisURI.Builder secured(RedisURI.Builder builder, DataRedisConnectionDetails details) {
		authenticate(builder, details.getUsername(), details.getPassword());
		if (details.getSslBundle() != null) {
			builder.withSsl(true);
		}
		return builder;
	}

	private static void authenticate(RedisURI.Builder builder, @Nullable String username, @Nullable String password) {
		if (password == null) {
			return;
		}
		if (username != null) {
			builder.withAuthentication(username, password);
		}
		else {
			builder.withPassword(password.toCharArray());
		}
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
