package dev.trafficguard.executor;

import java.time.Duration;

import dev.trafficguard.properties.PropertyCheck;

/**
 * The settings of one bounded executor: {@code traffic-guard.executor.*} for the
 * {@code applicationTaskExecutor} and {@code traffic-guard.executor.pools.<name>.*} for each
 * bulkhead. The defaults follow the number of available processors; the README gives the
 * reasoning.
 */
public class PoolProperties {

	static final int MAX_THREADS = 10_000;

	static final int MAX_QUEUE_CAPACITY = 1_000_000;

	static final Duration MAX_SUBMIT_TIMEOUT = Duration.ofMinutes(1);

	static final Duration MAX_KEEP_ALIVE = Duration.ofHours(1);

	static final Duration MAX_AWAIT_TERMINATION = Duration.ofHours(1);

	/**
	 * Number of threads kept even when idle (unless they time out). Defaults to twice the
	 * number of available processors, at least 8.
	 */
	private int coreSize = defaultCoreSize(Runtime.getRuntime().availableProcessors());

	/**
	 * Maximum number of threads, started only when the queue is full. With virtual threads
	 * (spring.threads.virtual.enabled=true) the number of tasks that run at once. Defaults to
	 * four times the core size.
	 */
	private int maxSize = defaultMaxSize(Runtime.getRuntime().availableProcessors());

	/**
	 * Maximum number of tasks waiting for a thread. Submissions beyond it wait up to the
	 * submit timeout, then are rejected. Defaults to 100 tasks per core thread.
	 */
	private int queueCapacity = defaultQueueCapacity(Runtime.getRuntime().availableProcessors());

	/**
	 * How long a thread above the core size (or any idle thread, when core threads may time
	 * out) is kept while idle.
	 */
	private Duration keepAlive = Duration.ofSeconds(60);

	/**
	 * How long a submission may wait for room in the queue before it is rejected. 0 rejects
	 * at once, so that backpressure reaches the caller without holding its thread.
	 */
	private Duration submitTimeout = Duration.ZERO;

	/**
	 * How long shutdown waits for accepted tasks (running and queued) to finish. Tasks still
	 * unfinished by then are reported and interrupted.
	 */
	private Duration awaitTermination = Duration.ofSeconds(30);

	static int defaultCoreSize(int processors) {
		return Math.max(8, 2 * processors);
	}

	static int defaultMaxSize(int processors) {
		return 4 * defaultCoreSize(processors);
	}

	static int defaultQueueCapacity(int processors) {
		return 100 * defaultCoreSize(processors);
	}

	public int getCoreSize() {
		return this.coreSize;
	}

	public void setCoreSize(int coreSize) {
		this.coreSize = coreSize;
	}

	public int getMaxSize() {
		return this.maxSize;
	}

	public void setMaxSize(int maxSize) {
		this.maxSize = maxSize;
	}

	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	public void setQueueCapacity(int queueCapacity) {
		this.queueCapacity = queueCapacity;
	}

	public Duration getKeepAlive() {
		return this.keepAlive;
	}

	public void setKeepAlive(Duration keepAlive) {
		this.keepAlive = keepAlive;
	}

	public Duration getSubmitTimeout() {
		return this.submitTimeout;
	}

	public void setSubmitTimeout(Duration submitTimeout) {
		this.submitTimeout = submitTimeout;
	}

	public Duration getAwaitTermination() {
		return this.awaitTermination;
	}

	public void setAwaitTermination(Duration awaitTermination) {
		this.awaitTermination = awaitTermination;
	}

	/**
	 * Check every value, naming the property under the given prefix.
	 * @param prefix the properties' prefix, such as {@code traffic-guard.executor}
	 */
	void check(String prefix) {
		PropertyCheck.between(prefix + ".core-size", this.coreSize, 1, MAX_THREADS);
		PropertyCheck.between(prefix + ".max-size", this.maxSize, 1, MAX_THREADS);
		PropertyCheck.check(this.maxSize >= this.coreSize, prefix + ".max-size", this.maxSize,
				"at least the core size (" + this.coreSize + ")");
		PropertyCheck.between(prefix + ".queue-capacity", this.queueCapacity, 1, MAX_QUEUE_CAPACITY);
		PropertyCheck.between(prefix + ".keep-alive", this.keepAlive, Duration.ofMillis(1), MAX_KEEP_ALIVE);
		PropertyCheck.between(prefix + ".submit-timeout", this.submitTimeout, Duration.ZERO, MAX_SUBMIT_TIMEOUT);
		PropertyCheck.between(prefix + ".await-termination", this.awaitTermination, Duration.ZERO,
				MAX_AWAIT_TERMINATION);
	}

}
