package dev.trafficguard.breaker;

import dev.trafficguard.web.Problem;
import dev.trafficguard.web.ProblemMapper;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * Maps {@link CallNotPermittedException}, an open circuit breaker, escaping a web request to
 * {@code 503} with {@code Retry-After} set to the time the breaker stays open. The detail
 * does not name the breaker, which is a downstream host name.
 */
final class CircuitBreakerProblemMapper implements ProblemMapper {

	private final OpenBreakerTimes openBreakers;

	CircuitBreakerProblemMapper(OpenBreakerTimes openBreakers) {
		this.openBreakers = openBreakers;
	}

	@Override
	public @Nullable Problem map(Throwable exception) {
		if (exception instanceof CallNotPermittedException notPermitted) {
			return new Problem(HttpStatus.SERVICE_UNAVAILABLE,
					"A downstream service is failing; its circuit breaker is open",
					this.openBreakers.retryAfter(notPermitted.getCausingCircuitBreakerName()));
		}
		return null;
	}

}
