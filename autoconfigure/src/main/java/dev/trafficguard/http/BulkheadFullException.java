package dev.trafficguard.http;

import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.HttpHost;

/**
 * Thrown by the shared HTTP client when a call would exceed
 * {@code traffic-guard.http-client.max-calls-per-host} calls in flight to its downstream
 * host. The call never left the process. Like a call that found no pooled connection in
 * time, which it is a kind of (one that does not wait), it is this service's saturation, not
 * the host's failure: a circuit breaker does not count it. Escaping a web request, it is
 * answered with {@code 503} and {@code Retry-After}.
 */
public final class BulkheadFullException extends ConnectionRequestTimeoutException {

	private final int maxCallsPerHost;

	BulkheadFullException(HttpHost host, int maxCallsPerHost) {
		super(host.toURI() + " has " + maxCallsPerHost
				+ " calls in flight already (traffic-guard.http-client.max-calls-per-host)");
		this.maxCallsPerHost = maxCallsPerHost;
	}

	/**
	 * The most calls in flight to one host.
	 * @return the limit
	 */
	public int getMaxCallsPerHost() {
		return this.maxCallsPerHost;
	}

	// Thrown on the hot path of an overloaded service: no stack trace.
	@Override
	public synchronized Throwable fillInStackTrace() {
		return this;
	}

}
