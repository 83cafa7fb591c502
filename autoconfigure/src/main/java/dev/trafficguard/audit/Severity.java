package dev.trafficguard.audit;

import java.util.Locale;

/**
 * How bad a finding of the audit is.
 */
public enum Severity {

	/**
	 * It makes the service degrade under load: more latency, more memory, more connections
	 * than needed, or a problem that goes unnoticed.
	 */
	WARNING,

	/**
	 * It makes the service fail under load: a thread, queue, connection or wait without a
	 * bound, requests cut off, or data exposed.
	 */
	ERROR;

	/**
	 * The severity as shown in the log, the endpoint and the meter's tag.
	 * @return {@code warning} or {@code error}
	 */
	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

}
