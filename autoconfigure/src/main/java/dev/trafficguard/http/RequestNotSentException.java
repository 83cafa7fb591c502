package dev.trafficguard.http;

import org.apache.hc.client5.http.ClientProtocolException;

/**
 * Thrown by the shared HTTP client when a call failed before its request left the process:
 * the request itself was wrong (a URI with a user-info part, a header that breaks the
 * protocol, ...). It is the calling code's error, not the downstream host's, so it never
 * counts against the host's circuit breaker. The original error is the cause. Escaping a
 * web request, it is answered with {@code 500}, as it is this service's own fault.
 */
public final class RequestNotSentException extends ClientProtocolException {

	RequestNotSentException(String message, Throwable cause) {
		super(message, cause);
	}

}
