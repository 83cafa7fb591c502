package dev.trafficguard.executor;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * The effective settings of one {@link BoundedExecutor}.
 *
 * @param coreSize the number of threads kept while idle (ignored with virtual threads)
 * @param maxSize the maximum number of threads; with virtual threads the number of tasks
 * that run at once
 * @param queueCapacity the maximum number of tasks waiting for a thread
 * @param keepAlive how long an idle thread above the core size is kept
 * @param allowCoreThreadTimeout whether core threads time out too
 * @param submitTimeout how long a submission may wait for room in the queue
 * @param awaitTermination how long shutdown waits for accepted tasks
 * @param threadNamePrefix the prefix of the threads' names
 * @param virtualThreads whether tasks run on virtual threads (JDK 21 or later)
 * @param maxFanOutParallelism the most tasks of one {@link FanOut} that run at once,
 * whatever parallelism its caller asks
 */
public record ExecutorSettings(int coreSize, int maxSize, int queueCapacity, Duration keepAlive,
		boolean allowCoreThreadTimeout, Duration submitTimeout, Duration awaitTermination, String threadNamePrefix,
		boolean virtualThreads, int maxFanOutParallelism) {

	/**
	 * Check the settings' consistency.
	 */
	public ExecutorSettings {
		Assert.isTrue(coreSize >= 1, "'coreSize' must be at least 1");
		Assert.isTrue(maxSize >= coreSize || virtualThreads, "'maxSize' must be at least 'coreSize'");
		Assert.isTrue(maxSize >= 1, "'maxSize' must be at least 1");
		Assert.isTrue(queueCapacity >= 1, "'queueCapacity' must be at least 1");
		Assert.isTrue(keepAlive.toNanos() > 0, "'keepAlive' must be positive");
		Assert.isTrue(!submitTimeout.isNegative(), "'submitTimeout' must not be negative");
		Assert.isTrue(!awaitTermination.isNegative(), "'awaitTermination' must not be negative");
		Assert.isTrue(maxFanOutParallelism >= 1 && maxFanOutParallelism <= maxSize,
				"'maxFanOutParallelism' must be between 1 and 'maxSize'");
	}

	/**
	 * The most tasks of one fan-out that run at once when none is set: a quarter of the
	 * maximum size, at least 1.
	 * @param maxSize the maximum size
	 * @return the default bound
	 */
	public static int defaultMaxFanOutParallelism(int maxSize) {
		return Math.max(1, maxSize / 4);
	}

	/**
	 * Settings with the given sizes and Traffic Guard's defaults for the rest: keep-alive
	 * 60 s with core threads timing out, no submit timeout, a drain window of 30 s, platform
	 * threads, a fan-out runs at most a quarter of the maximum size at once.
	 * @param coreSize the core size
	 * @param maxSize the maximum size
	 * @param queueCapacity the queue capacity
	 * @param threadNamePrefix the threads' name prefix
	 * @return the settings
	 */
	public static ExecutorSettings of(int coreSize, int maxSize, int queueCapacity, String threadNamePrefix) {
		return new ExecutorSettings(coreSize, maxSize, queueCapacity, Duration.ofSeconds(60), true, Duration.ZERO,
				Duration.ofSeconds(30), threadNamePrefix, false, defaultMaxFanOutParallelism(maxSize));
	}

	/**
	 * These settings with another submit timeout.
	 * @param submitTimeout how long a submission may wait for room
	 * @return the new settings
	 */
	public ExecutorSettings withSubmitTimeout(Duration submitTimeout) {
		return new ExecutorSettings(this.coreSize, this.maxSize, this.queueCapacity, this.keepAlive,
				this.allowCoreThreadTimeout, submitTimeout, this.awaitTermination, this.threadNamePrefix,
				this.virtualThreads, this.maxFanOutParallelism);
	}

	/**
	 * These settings with another drain window.
	 * @param awaitTermination how long shutdown waits for accepted tasks
	 * @return the new settings
	 */
	public ExecutorSettings withAwaitTermination(Duration awaitTermination) {
		return new ExecutorSettings(this.coreSize, this.maxSize, this.queueCapacity, this.keepAlive,
				this.allowCoreThreadTimeout, this.submitTimeout, awaitTermination, this.threadNamePrefix,
				this.virtualThreads, this.maxFanOutParallelism);
	}

	/**
	 * These settings with tasks on virtual threads or not.
	 * @param virtualThreads whether tasks run on virtual threads
	 * @return the new settings
	 */
	public ExecutorSettings withVirtualThreads(boolean virtualThreads) {
		return new ExecutorSettings(this.coreSize, this.maxSize, this.queueCapacity, this.keepAlive,
				this.allowCoreThreadTimeout, this.submitTimeout, this.awaitTermination, this.threadNamePrefix,
				virtualThreads, this.maxFanOutParallelism);
	}

	/**
	 * These settings with another bound on the tasks of one fan-out that run at once.
	 * @param maxFanOutParallelism the bound, between 1 and the maximum size
	 * @return the new settings
	 */
	public ExecutorSettings withMaxFanOutParallelism(int maxFanOutParallelism) {
		return new ExecutorSettings(this.coreSize, this.maxSize, this.queueCapacity, this.keepAlive,
				this.allowCoreThreadTimeout, this.submitTimeout, this.awaitTermination, this.threadNamePrefix,
				this.virtualThreads, maxFanOutParallelism);
	}

	/**
	 * The number of threads that run tasks at once at most.
	 * @return the concurrency limit
	 */
	public int concurrencyLimit() {
		return this.maxSize;
	}

}
