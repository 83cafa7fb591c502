package dev.trafficguard.executor;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.trafficguard.properties.PropertyCheck;

/**
 * A task's deadline passed: either while it was still queued, and then it never started, or
 * while it was running, and then it was interrupted. A future of
 * {@link BoundedExecutor#submit(java.util.concurrent.Callable, Duration)} or of a
 * {@link FanOut} completes exceptionally with it.
 */
public class DeadlineExceededException extends TimeoutException {

	private final String executorName;

	private final Duration deadline;

	private final boolean started;

	/**
	 * Create an exception.
	 * @param executorName the executor's name
	 * @param deadline the deadline that passed, from submission
	 * @param started whether the task had started (and was interrupted) or was still queued
	 */
	public DeadlineExceededException(String executorName, Duration deadline, boolean started) {
		super("Deadline of " + PropertyCheck.format(Duration.ofMillis(deadline.toMillis()))
				+ " passed while the task was " + (started ? "running on" : "queued in") + " executor '" + executorName
				+ "'");
		this.executorName = executorName;
		this.deadline = deadline;
		this.started = started;
	}

	/**
	 * The name of the executor the task was submitted to.
	 * @return the executor's name
	 */
	public String getExecutorName() {
		return this.executorName;
	}

	/**
	 * The deadline that passed, measured from submission.
	 * @return the deadline
	 */
	public Duration getDeadline() {
		return this.deadline;
	}

	/**
	 * Whether the task had started when its deadline passed (it was interrupted) or was
	 * still queued (it never ran).
	 * @return whether the task had started
	 */
	public boolean isStarted() {
		return this.started;
	}

}
