package dev.trafficguard.overload;

/**
 * A worker thread of {@link QueueTimedExecutor} that knows how long the task it runs waited in
 * the executor's queue. Only the thread itself reads and writes it, so it needs no
 * synchronization.
 */
final class QueueTimedThread extends Thread {

	private long queuedNanos;

	QueueTimedThread(Runnable task, String name) {
		super(task, name);
	}

	void dispatched(long queuedNanos) {
		this.queuedNanos = queuedNanos;
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
	 * How long the request being served on the current thread waited in the server's queue.
	 * @return the wait in nanoseconds, 0 if unknown (not a {@link QueueTimedExecutor} thread)
	 */
	static long takeCurrent() {
		return (Thread.currentThread() instanceof QueueTimedThread worker) ? worker.takeQueuedNanos() : 0;
	}

}
