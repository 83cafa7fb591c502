package dev.trafficguard.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import dev.trafficguard.properties.PropertyCheck;
import dev.trafficguard.ratelimit.RateLimitProperties.FailureMode;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.RemoteAsyncBucketBuilder;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the buckets in Redis through bucket4j's Lettuce proxy manager (compare-and-swap), so
 * every instance against the same Redis shares one limit per client. A decision waits at
 * most {@code redis-timeout}; when Redis is slow or down the caller follows the failure mode,
 * and decisions go back to Redis by themselves once it answers again.
 */
final class RedisRateLimitBackend implements RateLimitBackend {

	private static final Log logger = LogFactory.getLog(RedisRateLimitBackend.class);

	private final RedisBucketConnection connection;

	private final RemoteAsyncBucketBuilder<Object> buckets;

	private final long timeoutNanos;

	private final Duration timeout;

	private final FailureMode failureMode;

	private final LongAdder failures = new LongAdder();

	private final String notConnected;

	private final String timedOut;

	private volatile boolean available;

	private volatile @Nullable String lastError;

	private volatile @Nullable Instant lastFailure;

	RedisRateLimitBackend(RedisBucketConnection connection, Duration timeout, FailureMode failureMode) {
		this.connection = connection;
		this.timeout = timeout;
		this.timeoutNanos = timeout.toNanos();
		this.failureMode = failureMode;
		this.notConnected = "not connected to Redis at " + connection.describe();
		this.timedOut = "no answer from Redis within " + PropertyCheck.format(timeout);
		this.buckets = new Bucket4jLettuce.LettuceBasedProxyManagerBuilder<>(connection)
			.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(1)))
			.requestTimeout(timeout)
			.build()
			.asAsync()
			.builder();
		this.available = connection.isConnected();
	}

	@Override
	public @Nullable ConsumptionProbe tryConsume(RateLimitRule rule, String key) {
		if (!this.connection.isConnected()) {
			failed(this.notConnected);
			return null;
		}
		CompletableFuture<ConsumptionProbe> outcome = null;
		try {
			outcome = this.buckets.build(rule.redisKey(key), rule.asyncConfiguration()).tryConsumeAndReturnRemaining(1);
			ConsumptionProbe probe = outcome.get(this.timeoutNanos, TimeUnit.NANOSECONDS);
			this.available = true;
			return probe;
		}
		catch (TimeoutException ex) {
			outcome.cancel(false);
			failed(this.timedOut);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			failed("interrupted while waiting for Redis");
		}
		catch (ExecutionException ex) {
			failed(describe((ex.getCause() != null) ? ex.getCause() : ex));
		}
		catch (RuntimeException ex) {
			failed(describe(ex));
		}
		return null;
	}

	private static String describe(Throwable ex) {
		return ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
	}

	private void failed(String reason) {
		this.failures.increment();
		if (this.available) {
			this.available = false;
			logger.warn("Rate-limit backend Redis unavailable (" + reason + "); failing "
					+ this.failureMode.name().toLowerCase(Locale.ROOT) + " until it answers again");
		}
		this.lastError = reason;
		this.lastFailure = Instant.now();
	}

	/**
	 * Ask Redis whether it answers, and remember the answer as the backend's state.
	 * @return whether Redis answered in time
	 */
	boolean check() {
		boolean up = this.connection.ping();
		if (up) {
			if (!this.available) {
				logger.info("Rate-limit backend Redis answers again at " + this.connection.describe());
			}
			this.available = true;
		}
		else if (this.available) {
			failed("no answer to PING from Redis at " + this.connection.describe());
		}
		return up;
	}

	boolean isAvailable() {
		return this.available;
	}

	FailureMode failureMode() {
		return this.failureMode;
	}

	@Override
	public String name() {
		return "redis";
	}

	@Override
	public long trackedClients() {
		return -1;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("state", this.available ? "UP" : (this.failureMode == FailureMode.OPEN) ? "DEGRADED" : "DOWN");
		state.put("redis", this.connection.describe());
		state.put("timeout", PropertyCheck.format(this.timeout));
		state.put("failureMode", this.failureMode.name().toLowerCase(Locale.ROOT));
		state.put("failures", this.failures.sum());
		String error = this.lastError;
		if (error != null) {
			state.put("lastError", error);
			state.put("lastFailure", String.valueOf(this.lastFailure));
		}
		return state;
	}

	@Override
	public void close() {
		this.connection.close();
	}

}
