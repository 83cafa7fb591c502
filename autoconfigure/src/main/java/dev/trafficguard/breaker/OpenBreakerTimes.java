package dev.trafficguard.breaker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;

/**
 * When each open breaker of the registry lets trial calls through again, recorded as it
 * opens, so that an answer to a rejected call can carry {@code Retry-After}. Every breaker
 * of the registry is watched, those of {@code @CircuitBreaker} annotations included; only
 * open breakers are kept.
 */
final class OpenBreakerTimes {

	private static final Duration AT_LEAST = Duration.ofSeconds(1);

	private final Map<String, Long> openUntilMillis = new ConcurrentHashMap<>();

	OpenBreakerTimes(CircuitBreakerRegistry registry) {
		registry.getEventPublisher()
			.onEntryAdded((event) -> watch(event.getAddedEntry()))
			.onEntryReplaced((event) -> watch(event.getNewEntry()))
			.onEntryRemoved((event) -> this.openUntilMillis.remove(event.getRemovedEntry().getName()));
		registry.getAllCircuitBreakers().forEach(this::watch);
	}

	private void watch(CircuitBreaker breaker) {
		breaker.getEventPublisher().onStateTransition((event) -> transitioned(breaker, event));
	}

	private void transitioned(CircuitBreaker breaker, CircuitBreakerOnStateTransitionEvent event) {
		if (event.getStateTransition().getToState() == State.OPEN) {
			// The first wait of the configured interval function; with exponential backoff
			// later waits are longer, and the client simply retries once more.
			long wait = breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
			this.openUntilMillis.put(breaker.getName(), System.currentTimeMillis() + wait);
		}
		else {
			this.openUntilMillis.remove(breaker.getName());
		}
	}

	/**
	 * How long until a breaker lets trial calls through.
	 * @param name the breaker's name
	 * @return the time left open, at least one second (also for a half-open breaker whose
	 * trial calls are taken, or a forced-open one)
	 */
	Duration retryAfter(String name) {
		Long until = this.openUntilMillis.get(name);
		if (until == null) {
			return AT_LEAST;
		}
		long left = until - System.currentTimeMillis();
		return (left > AT_LEAST.toMillis()) ? Duration.ofMillis(left) : AT_LEAST;
	}

}
