package dev.trafficguard.ratelimit;

import java.util.Map;

import io.github.bucket4j.ConsumptionProbe;
import org.jspecify.annotations.Nullable;

/**
 * Where the token buckets live and how a token is taken from one.
 */
interface RateLimitBackend extends AutoCloseable {

	/**
	 * Take one token from the client's bucket of a rule.
	 * @param rule the rule
	 * @param key the client's key
	 * @return the outcome, or {@code null} if the backend could not decide in time
	 */
	@Nullable ConsumptionProbe tryConsume(RateLimitRule rule, String key);

	/**
	 * The backend's name, as {@code traffic-guard.rate-limit.backend} spells it.
	 * @return the name
	 */
	String name();

	/**
	 * The number of clients whose buckets are kept in this instance.
	 * @return the count, or -1 if the backend does not keep them here
	 */
	long trackedClients();

	/**
	 * The number of clients of one rule whose buckets are kept in this instance.
	 * @param rule the rule
	 * @return the count, or -1 if the backend does not keep them here
	 */
	default long trackedClients(RateLimitRule rule) {
		return -1;
	}

	/**
	 * The most clients of one rule this instance keeps buckets for.
	 * @param rule the rule
	 * @return the cap, or -1 if the backend does not keep them here
	 */
	default long maxClients(RateLimitRule rule) {
		return -1;
	}

	/**
	 * The backend's live state, for the actuator endpoint.
	 * @return the state
	 */
	Map<String, Object> describe();

	@Override
	default void close() {
	}

}
