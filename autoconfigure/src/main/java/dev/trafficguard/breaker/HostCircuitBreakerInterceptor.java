package dev.trafficguard.breaker;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.HttpException;

/**
 * Apache HttpClient 5 interceptor that passes each attempt of a call through the circuit
 * breaker of its downstream host. An open breaker answers at once with
 * {@link CallNotPermittedException}, without touching the network. Connection errors,
 * timeouts and responses with a failure status are recorded as failures (the response is
 * still returned to the caller); other responses as successes, with their duration for the
 * slow-call rate.
 * <p>
 * A call that found no free pooled connection within the lease timeout
 * ({@link ConnectionRequestTimeoutException}) is neither: the host was never reached, and the
 * pool may be full because of calls to other hosts (the pool's total limit is shared), so it
 * is this service's saturation, not the host's failure. Its permission is released, so it
 * counts nowhere, and a half-open breaker gets its trial call back.
 * <p>
 * It sits before the protocol element of the execution chain, so each redirect hop counts
 * for its own host and each retry as a call.
 */
final class HostCircuitBreakerInterceptor implements ExecChainHandler {

	static final String NAME = "traffic-guard-circuit-breaker";

	private final HostCircuitBreakers breakers;

	private final FailureStatuses failureStatuses;

	HostCircuitBreakerInterceptor(HostCircuitBreakers breakers, FailureStatuses failureStatuses) {
		this.breakers = breakers;
		this.failureStatuses = failureStatuses;
	}

	@Override
	public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		CircuitBreaker breaker = this.breakers.forHost(scope.route.getTargetHost());
		if (breaker == null) {
			return chain.proceed(request, scope);
		}
		breaker.acquirePermission();
		long start = System.nanoTime();
		ClassicHttpResponse response;
		try {
			response = chain.proceed(request, scope);
		}
		catch (ConnectionRequestTimeoutException ex) {
			breaker.releasePermission();
			throw ex;
		}
		catch (IOException | HttpException | RuntimeException ex) {
			breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, ex);
			throw ex;
		}
		long duration = System.nanoTime() - start;
		int status = response.getCode();
		if (this.failureStatuses.isFailure(status)) {
			breaker.onError(duration, TimeUnit.NANOSECONDS, new FailureStatusException(status));
		}
		else {
			breaker.onSuccess(duration, TimeUnit.NANOSECONDS);
		}
		return response;
	}

}
