package dev.trafficguard.overload;

/**
 * Why a request was shed.
 */
public enum ShedReason {

	/**
	 * The concurrency limit was reached and {@code max-wait} is 0.
	 */
	LIMIT("limit", "limit", "the concurrency limit is reached"),

	/**
	 * The request waited in the server's queue longer than {@code max-queue-time}.
	 */
	QUEUE_TIME("queue-time", "queueTime", "the request waited too long in the server's queue"),

	/**
	 * The concurrency limit was reached and no slot came free within {@code max-wait}.
	 */
	WAIT_TIMEOUT("wait-timeout", "waitTimeout", "no slot came free within the wait allowed");

	private final String tag;

	private final String key;

	private final String detail;

	ShedReason(String tag, String key, String detail) {
		this.tag = tag;
		this.key = key;
		this.detail = detail;
	}

	/**
	 * The value of the {@code reason} tag of the shed meter.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

	String key() {
		return this.key;
	}

	String detail() {
		return this.detail;
	}

}
