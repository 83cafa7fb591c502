package dev.trafficguard.overload;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import javax.management.ObjectName;

import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.threads.TaskQueue;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;

/**
 * Tomcat's own request executor, built from the same settings Tomcat would use
 * ({@code server.tomcat.threads.max}, {@code min-spare}, {@code max-queue-capacity}), that
 * also records how long each task waited in its queue. Tomcat marks a request's start only
 * when a worker thread begins to parse it, after the queue, so without this the time a
 * request spent waiting for a thread is invisible to a filter.
 * <p>
 * It costs one small object and one {@link System#nanoTime()} per task.
 */
final class QueueTimedExecutor extends ThreadPoolExecutor {

	private static final long THREAD_MAX_IDLE_MILLIS = 60_000;

	private final LongAdder running = new LongAdder();

	private QueueTimedExecutor(int minSpareThreads, int maxThreads, TaskQueue queue, ThreadFactory threadFactory) {
		super(minSpareThreads, maxThreads, THREAD_MAX_IDLE_MILLIS, TimeUnit.MILLISECONDS, queue, threadFactory);
	}

	/**
	 * Create an executor with the protocol's thread and queue settings, as Tomcat's endpoint
	 * would create its internal one.
	 * @param protocol the protocol handler, fully configured
	 * @return the executor
	 */
	static QueueTimedExecutor create(AbstractProtocol<?> protocol) {
		TaskQueue queue = new TaskQueue(protocol.getMaxQueueSize());
		int maxThreads = protocol.getMaxThreads();
		int minSpare = Math.min(protocol.getMinSpareThreads(), maxThreads);
		WorkerFactory workers = new WorkerFactory(threadNamePrefix(protocol), protocol.getThreadPriority());
		QueueTimedExecutor executor = new QueueTimedExecutor(minSpare, maxThreads, queue, workers);
		queue.setParent(executor);
		return executor;
	}

	private static String threadNamePrefix(AbstractProtocol<?> protocol) {
		// The protocol's name is quoted for JMX; Tomcat names its own threads without quotes
		String name = protocol.getName();
		return (name.length() > 1 && name.startsWith("\"")) ? ObjectName.unquote(name) + "-exec-" : name + "-exec-";
	}

	@Override
	public void execute(Runnable command) {
		super.execute(new Queued(command, System.nanoTime(), this));
	}

	/**
	 * Whether every thread the executor may have is running a task, so that what waits in
	 * the queue waits for a thread, not for the CPU.
	 * @return whether the threads are all busy
	 */
	boolean isSaturated() {
		return this.running.sum() >= getMaximumPoolSize();
	}

	private static final class Queued implements Runnable {

		private final Runnable task;

		private final long queuedAt;

		private final QueueTimedExecutor executor;

		Queued(Runnable task, long queuedAt, QueueTimedExecutor executor) {
			this.task = task;
			this.queuedAt = queuedAt;
			this.executor = executor;
		}

		@Override
		public void run() {
			if (Thread.currentThread() instanceof QueueTimedThread worker) {
				worker.dispatched(System.nanoTime() - this.queuedAt, this.executor);
			}
			LongAdder running = this.executor.running;
			running.increment();
			try {
				this.task.run();
			}
			finally {
				running.decrement();
			}
		}

	}

	private static final class WorkerFactory implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		private final String prefix;

		private final int priority;

		WorkerFactory(String prefix, int priority) {
			this.prefix = prefix;
			this.priority = priority;
		}

		@Override
		public Thread newThread(Runnable task) {
			QueueTimedThread thread = new QueueTimedThread(task, this.prefix + this.count.incrementAndGet());
			// As Tomcat's own: daemon, so they never hold the JVM up
			thread.setDaemon(true);
			thread.setPriority(this.priority);
			return thread;
		}

	}

}
