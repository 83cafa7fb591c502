package dev.trafficguard.deadline;

/**
 * Thrown when work for a request cannot start or finish because the request's
 * {@link Deadline} passed. Escaping a request, it is answered with {@code 504} problem
 * details naming the part that ran out of time.
 */
public class DeadlineExceededException extends RuntimeException {

	private final String part;

	/**
	 * Create an exception.
	 * @param part the part that ran out of time, such as {@code query} or {@code http-client}
	 */
	public DeadlineExceededException(String part) {
		super("Deadline exceeded: " + part);
		this.part = part;
	}

	/**
	 * The part that ran out of time.
	 * @return the part
	 */
	public String getPart() {
		return this.part;
	}

}
