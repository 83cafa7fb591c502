package dev.trafficguard.executor;

import java.time.Duration;

import dev.trafficguard.properties.PropertyCheck;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one bounded executor: {@code traffic-guard.executor.*} for the
 * {@code applicationTaskExecutor} and {@code traffic-guard.executor.pools.<name>.*} for each
 * bulkhead. The core size defaults to a multiple of the number of available processors;
 * the maximum size and the queue capacity, when not set, follow the core size in force; the
 * README gives the reasoning.
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
	 * four times the core size in force (at most 10000).
	 */
	private @Nullable Integer maxSize;

	/**
	 * Maximum number of tasks waiting for a thread. Submissions beyond it wait up to the
	 * submit timeout, then are rejected. Defaults to 100 tasks per core thread of the core
	 * size in force (at most 1000000).
	 */
	private @Nullable Integer queueCapacity;

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

	/**
	 * Most tasks of one fan-out (FanOut) that run at once, whatever parallelism its caller
	 * asks, so that one request cannot take the executor from the others. Defaults to a
	 * quarter of the max size in force (at least 1).
	 */
	private @Nullable Integer maxFanOutParallelism;

	static int defaultCoreSize(int processors) {
		return Math.max(8, 2 * processors);
	}

	/**
	 * The maximum size when none is set: four times the core size in force, within
	 * [1, {@value #MAX_THREADS}].
	 * @param coreSize the core size in force
	 * @return the default maximum size
	 */
	static int defaultMaxSize(int coreSize) {
		return (int) Math.max(1, Math.min(4L * coreSize, MAX_THREADS));
	}

	/**
	 * The queue capacity when none is set: 100 per core thread of the core size in force,
	 * within [1, {@value #MAX_QUEUE_CAPACITY}].
	 * @param coreSize the core size in force
	 * @return the default queue capacity
	 */
	static int defaultQueueCapacity(int coreSize) {
		return (int) Math.max(1, Math.min(100L * coreSize, MAX_QUEUE_CAPACITY));
	}

	/**
	 * The maximum size set, or the default for the given core size.
	 * @param coreSize the core size in force
	 * @return the maximum size
	 */
	int maxSizeFor(int coreSize) {
		return (this.maxSize != null) ? this.maxSize : defaultMaxSize(coreSize);
	}

	/**
	 * The queue capacity set, or the default for the given core size.
	 * @param coreSize the core size in force
	 * @return the queue capacity
	 */
	int queueCapacityFor(int coreSize) {
		return (this.queueCapacity != null) ? this.queueCapacity : defaultQueueCapacity(coreSize);
	}

	/**
	 * The fan-out bound set, or the default for the given maximum size.
	 * @param maxSize the maximum size in force
	 * @return the most tasks of one fan-out that run at once
	 */
	int maxFanOutParallelismFor(int maxSize) {
		return (this.maxFanOutParallelism != null) ? this.maxFanOutParallelism
				: ExecutorSettings.defaultMaxFanOutParallelism(maxSize);
	}

	public int getCoreSize() {
		return this.coreSize;
	}

	public void setCoreSize(int coreSize) {
		this.coreSize = coreSize;
	}

	public @Nullable Integer getMaxSize() {
		return this.maxSize;
	}

	public void setMaxSize(@Nullable Integer maxSize) {
		this.maxSize = maxSize;
	}

	public @Nullable Integer getQueueCapacity() {
		return this.queueCapacity;
	}

	public void setQueueCapacity(@Nullable Integer queueCapacity) {
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

	public @Nullable Integer getMaxFanOutParallelism() {
		return this.maxFanOutParallelism;
	}

	public void setMaxFanOutParallelism(@Nullable Integer maxFanOutParallelism) {
		this.maxFanOutParallelism = maxFanOutParallelism;
	}

	/**
	 * Check every value set on its own, naming the property under the given prefix. That
	 * the maximum size is at least the core size is checked once the values in force are
	 * known (Spring Boot's, virtual threads), by the {@link ExecutorSettingsResolver}.
	 * @param prefix the properties' prefix, such as {@code traffic-guard.executor}
	 */
	void check(String prefix) {
		PropertyCheck.between(prefix + ".core-size", this.coreSize, 1, MAX_THREADS);
		if (this.maxSize != null) {
			PropertyCheck.between(prefix + ".max-size", this.maxSize, 1, MAX_THREADS);
		}
		if (this.queueCapacity != null) {
			PropertyCheck.between(prefix + ".queue-capacity", this.queueCapacity, 1, MAX_QUEUE_CAPACITY);
		}
		PropertyCheck.between(prefix + ".keep-alive", this.keepAlive, Duration.ofMillis(1), MAX_KEEP_ALIVE);
		PropertyCheck.between(prefix + ".submit-timeout", this.submitTimeout, Duration.ZERO, MAX_SUBMIT_TIMEOUT);
		PropertyCheck.between(prefix + ".await-termination", this.awaitTermination, Duration.ZERO,
				MAX_AWAIT_TERMINATION);
		if (this.maxFanOutParallelism != null) {
			PropertyCheck.between(prefix + ".max-fan-out-parallelism", this.maxFanOutParallelism, 1, MAX_THREADS);
		}
	}

}
