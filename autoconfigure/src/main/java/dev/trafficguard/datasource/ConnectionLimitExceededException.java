package dev.trafficguard.datasource;

/**
 * Thrown at startup, when {@code traffic-guard.datasource.oversubscription=fail}, if the
 * pools of all expected instances do not fit into the connections the database allows.
 */
public class ConnectionLimitExceededException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message what does not fit, with both figures
	 */
	public ConnectionLimitExceededException(String message) {
		super(message);
	}

}
