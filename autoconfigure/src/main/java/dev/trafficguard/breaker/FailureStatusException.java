package dev.trafficguard.breaker;

/**
 * Recorded by a host's circuit breaker when the downstream answers with a status that
 * counts as a failure ({@code traffic-guard.circuit-breaker.failure-statuses}). The
 * response itself is returned to the caller unchanged; this exception is never thrown.
 * Name it in {@code ignore-exceptions} to make a breaker count only connection errors and
 * timeouts.
 */
public final class FailureStatusException extends RuntimeException {

	private final int status;

	FailureStatusException(int status) {
		super("Downstream answered " + status, null, false, false);
		this.status = status;
	}

	/**
	 * The response status.
	 * @return the status
	 */
	public int getStatus() {
		return this.status;
	}

}
