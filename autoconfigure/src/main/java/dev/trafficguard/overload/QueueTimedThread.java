package dev.trafficguard.overload;

import org.jspecify.annotations.Nullable;

/**
 * A worker thread of {@link QueueTimedExecutor} that knows how long the task it runs waited in
 * the executor's queue, and whether that executor's threads are all busy. Only the thread
 * itself reads and writes the wait, so it needs no synchronization.
 */
final class QueueTimedThread extends Thread implements QueueTimeCheck.Threads {

	private long queuedNanos;

	private @Nullable QueueTimedExecutor executor;

	QueueTimedThread(Runnable task, String name) {
		super(task, name);
	}

	void dispatched(long queuedNanos, QueueTimedExecutor executor) {
		this.queuedNanos = queuedNanos;
		this.executor = executor;
	}

	@Override
	public boolean allBusy() {
		QueueTimedExecutor executor = this.executor;
		return executor == null || executor.isSaturated();
	}

	/**
	 * How long the current task waited for this thread, once: a second request served by the
	 * same task (pipelined on the connection) did not wait.
	 * @return the wait in nanoseconds, 0 if it was read already
	 */
	long takeQueuedNanos() {
		long queued = this.queuedNanos;
		this.queuedNanos = 0;
		return queued;
	}

	/**
	 * The current thread, if it is a worker of a {@link QueueTimedExecutor}.
	 * @return the worker, or {@code null}
	 */
	static @Nullable QueueTimedThread current() {
		return (Thread.currentThread() instanceof QueueTimedThread worker) ? worker : null;
	}

}
