package dev.trafficguard.breaker;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Apache HttpClient 5 interceptor that passes each attempt of a call through the circuit
 * breaker of its downstream host. An open breaker answers at once with
 * {@link CallNotPermittedException}, without touching the network. Connection errors,
 * timeouts and responses with a failure status are recorded as failures (the response is
 * still returned to the caller); other responses as successes, with their duration for the
 * slow-call rate.
 * <p>
 * A call that found no free pooled connection within the lease timeout
 * ({@link ConnectionRequestTimeoutException}, or a subclass such as the shared pool's
 * refusal of a call past its calls in flight per host) is neither: the host was never reached, and the
 * pool may be full because of calls to other hosts (the pool's total limit is shared), so it
 * is this service's saturation, not the host's failure. Its permission is released, so it
 * counts nowhere, and a half-open breaker gets its trial call back.
 * <p>
 * A call that failed before its request left the process (HttpClient's protocol stage
 * refused it: a URI with a user-info part, a header that breaks the protocol) is the calling
 * code's error, not the host's: a marker just before the connect stage tells it, and its
 * permission is released, so it counts nowhere. A call still running past the slow-call
 * threshold is recorded as slow at once by the {@link SlowCallWatchdog}, so a host that never
 * answers opens its breaker while the calls hang.
 * <p>
 * It sits before the protocol element of the execution chain, so each redirect hop counts
 * for its own host and each retry as a call.
 */
final class HostCircuitBreakerInterceptor implements ExecChainHandler {

	static final String NAME = "traffic-guard-circuit-breaker";

	static final String MARKER_NAME = "traffic-guard-circuit-breaker-request-leaves";

	private static final Log logger = LogFactory.getLog(HostCircuitBreakerInterceptor.class);

	private static final String LEAVES = HostCircuitBreakerInterceptor.class.getName() + ".leaves";

	private final HostCircuitBreakers breakers;

	private final FailureStatuses failureStatuses;

	private final SlowCallWatchdog watchdog;

	private final LongAdder notSent = new LongAdder();

	private final ExecChainHandler marker = (request, scope, chain) -> {
		scope.clientContext.setAttribute(LEAVES, Boolean.TRUE);
		return chain.proceed(request, scope);
	};

	HostCircuitBreakerInterceptor(HostCircuitBreakers breakers, FailureStatuses failureStatuses,
			SlowCallWatchdog watchdog) {
		this.breakers = breakers;
		this.failureStatuses = failureStatuses;
		this.watchdog = watchdog;
	}

	/**
	 * The handler to put just before the connect stage of the chain: a failure before it
	 * was reached is the request's, not the host's.
	 * @return the marker
	 */
	ExecChainHandler marker() {
		return this.marker;
	}

	@Override
	public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		CircuitBreaker breaker = this.breakers.forHost(scope.route.getTargetHost());
		if (breaker == null) {
			return chain.proceed(request, scope);
		}
		breaker.acquirePermission();
		HttpContext context = scope.clientContext;
		// A retry passes here again: it must reach the connect stage on its own.
		context.removeAttribute(LEAVES);
		SlowCallWatchdog.Call call = this.watchdog.watch(breaker);
		ClassicHttpResponse response;
		try {
			response = chain.proceed(request, scope);
		}
		catch (ConnectionRequestTimeoutException ex) {
			if (call.end()) {
				breaker.releasePermission();
			}
			throw ex;
		}
		catch (IOException | HttpException | RuntimeException ex) {
			if (call.end()) {
				if (context.getAttribute(LEAVES) == null) {
					notSent(breaker, ex);
				}
				else {
					breaker.onError(call.elapsedNanos(), TimeUnit.NANOSECONDS, ex);
				}
			}
			throw ex;
		}
		if (call.end()) {
			long duration = call.elapsedNanos();
			int status = response.getCode();
			if (this.failureStatuses.isFailure(status)) {
				breaker.onError(duration, TimeUnit.NANOSECONDS, new FailureStatusException(status));
			}
			else {
				breaker.onSuccess(duration, TimeUnit.NANOSECONDS);
			}
		}
		return response;
	}

	private void notSent(CircuitBreaker breaker, Exception ex) {
		// The request never left the process: the caller's error, not the host's.
		breaker.releasePermission();
		this.notSent.increment();
		if (logger.isDebugEnabled()) {
			logger.debug("Not counted against the circuit breaker of " + breaker.getName()
					+ ": the request failed before it was sent", ex);
		}
	}

	/**
	 * Calls that failed before their request left the process, not counted by the breakers.
	 * @return the count since start
	 */
	long getNotSent() {
		return this.notSent.sum();
	}

}
