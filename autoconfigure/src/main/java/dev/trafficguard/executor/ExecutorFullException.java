package dev.trafficguard.executor;

import java.time.Duration;

import dev.trafficguard.properties.PropertyCheck;

import org.springframework.core.task.TaskRejectedException;

/**
 * Thrown when a {@link BoundedExecutor} refuses a task because every thread is busy and its
 * queue is full, after the submission waited as long as the executor's submit timeout
 * allows. Escaping a web request, it is answered with {@code 503} and {@code Retry-After}.
 */
public class ExecutorFullException extends TaskRejectedException {

	private final String executorName;

	private final int queueCapacity;

	private final Duration waited;

	/**
	 * Create an exception.
	 * @param executorName the executor's name
	 * @param queueCapacity its queue capacity
	 * @param waited how long the submission waited for room
	 */
	public ExecutorFullException(String executorName, int queueCapacity, Duration waited) {
		super("Executor '" + executorName + "' is full: all threads are busy and its queue of " + queueCapacity
				+ " tasks is full; the task was refused after waiting " + PropertyCheck.format(waited));
		this.executorName = executorName;
		this.queueCapacity = queueCapacity;
		this.waited = waited;
	}

	/**
	 * The name of the executor that refused the task.
	 * @return the executor's name
	 */
	public String getExecutorName() {
		return this.executorName;
	}

	/**
	 * The executor's queue capacity.
	 * @return the capacity
	 */
	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	/**
	 * How long the submission waited for room before it was refused.
	 * @return the time waited, zero when refused at once
	 */
	public Duration getWaited() {
		return this.waited;
	}

}
