package dev.trafficguard.http;

import java.io.InterruptedIOException;
import java.time.Duration;

import dev.trafficguard.web.Problem;
import dev.trafficguard.web.ProblemMapper;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

/**
 * Maps a failed call to a downstream service, escaping a web request, to a problem: a
 * timeout becomes {@code 504}, a connection failure {@code 502}, a downstream 5xx answer
 * {@code 502}, a call that found no free pooled connection within the lease timeout, or
 * whose host had {@code max-calls-per-host} calls in flight, {@code 503} with
 * {@code Retry-After}, and a request that was invalid and never sent
 * ({@link RequestNotSentException}) {@code 500}, as it is this service's own fault. Only exceptions of Spring's HTTP clients are mapped,
 * so a socket timeout elsewhere (a database, a cache) is left alone. The detail never names
 * the downstream host.
 */
public final class DownstreamProblemMapper implements ProblemMapper {

	private static final Problem POOL_EXHAUSTED = new Problem(HttpStatus.SERVICE_UNAVAILABLE,
			"No connection to a downstream service was free in time", Duration.ofSeconds(1));

	private static final Problem BULKHEAD_FULL = new Problem(HttpStatus.SERVICE_UNAVAILABLE,
			"Too many calls to a downstream service are in flight", Duration.ofSeconds(1));

	private static final Problem NOT_SENT = Problem.of(HttpStatus.INTERNAL_SERVER_ERROR,
			"A request to a downstream service was invalid and was not sent");

	private static final Problem TIMEOUT = Problem.of(HttpStatus.GATEWAY_TIMEOUT,
			"A downstream service did not answer in time");

	private static final Problem CONNECTION_FAILURE = Problem.of(HttpStatus.BAD_GATEWAY,
			"A downstream service could not be reached");

	private static final Problem SERVER_ERROR = Problem.of(HttpStatus.BAD_GATEWAY,
			"A downstream service answered with an error");

	@Override
	public @Nullable Problem map(Throwable exception) {
		if (exception instanceof ResourceAccessException) {
			Throwable cause = exception.getCause();
			if (cause instanceof ConnectionRequestTimeoutException) {
				return POOL_EXHAUSTED;
			}
			if (cause instanceof BulkheadFullException) {
				return BULKHEAD_FULL;
			}
			if (cause instanceof RequestNotSentException) {
				return NOT_SENT;
			}
			if (cause instanceof InterruptedIOException) {
				return TIMEOUT;
			}
			return CONNECTION_FAILURE;
		}
		if (exception instanceof HttpServerErrorException) {
			return SERVER_ERROR;
		}
		return null;
	}

}
