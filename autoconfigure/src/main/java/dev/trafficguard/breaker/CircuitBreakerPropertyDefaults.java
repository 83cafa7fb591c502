package dev.trafficguard.breaker;

import java.util.Map;

import dev.trafficguard.properties.PropertyDefaults;

import org.springframework.core.env.Environment;

/**
 * Tuned defaults for resilience4j's default circuit breaker configuration, which the
 * breaker of each downstream host, every {@code @CircuitBreaker} and every other user of
 * the {@code CircuitBreakerRegistry} inherit: trip when at least 10 calls in a 10-second
 * window failed 50% or more (or were slower than 10 s), stay open 30 s, then let 3 trial
 * calls through. A rejected call throws an exception without a stack trace, as it happens
 * on the hot path of an overloaded service. Any value the user sets, here or per instance,
 * wins.
 */
public final class CircuitBreakerPropertyDefaults implements PropertyDefaults {

	static final String PREFIX = "resilience4j.circuitbreaker.configs.default.";

	@Override
	public String feature() {
		return "circuit-breaker";
	}

	@Override
	public void contribute(Environment environment, Map<String, Object> defaults) {
		defaults.put(PREFIX + "sliding-window-type", "TIME_BASED");
		defaults.put(PREFIX + "sliding-window-size", 10);
		defaults.put(PREFIX + "minimum-number-of-calls", 10);
		defaults.put(PREFIX + "failure-rate-threshold", 50);
		defaults.put(PREFIX + "wait-duration-in-open-state", "30s");
		defaults.put(PREFIX + "permitted-number-of-calls-in-half-open-state", 3);
		defaults.put(PREFIX + "slow-call-duration-threshold", "10s");
		defaults.put(PREFIX + "slow-call-rate-threshold", 50);
		defaults.put(PREFIX + "writable-stack-trace-enabled", false);
	}

}
