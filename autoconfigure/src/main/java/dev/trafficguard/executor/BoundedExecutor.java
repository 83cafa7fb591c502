package dev.trafficguard.executor;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

import dev.trafficguard.properties.PropertyCheck;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * An {@link AsyncTaskExecutor} with a bounded set of workers and a bounded queue. A task
 * either gets in, waits for room up to the submit timeout, or is refused with an
 * {@link ExecutorFullException}; every refusal is counted. With virtual threads, at most
 * {@link ExecutorSettings#maxSize()} tasks run at once on virtual threads and the same
 * queue and refusal rules apply.
 * <p>
 * {@link #submit(Callable, Duration)} runs a task under a deadline: a task whose deadline
 * passes while it is queued never starts, one still running at its deadline is interrupted.
 * {@link FanOut} runs many tasks with a bound on parallelism under one deadline. A queued
 * task whose deadline passes, or that is cancelled, is not taken out of the queue (a linear
 * scan under the queue's locks): it keeps its place, and counts toward the queue capacity
 * and the {@linkplain State#queued() queued} tasks, until a worker reaches it and drops it
 * without running it.
 * <p>
 * A task submitted from one of this executor's own threads (a worker, or its deadline timer)
 * never waits for room: when the queue is full it is refused at once, whatever the submit
 * timeout, as the thread waiting would be one the queue waits for.
 * <p>
 * On shutdown it takes nothing new and runs everything it accepted, waiting up to
 * {@link ExecutorSettings#awaitTermination()}; then it interrupts what is left and reports
 * how many tasks were unfinished.
 */
public final class BoundedExecutor implements AsyncTaskExecutor, DisposableBean {

	private static final Log logger = LogFactory.getLog(BoundedExecutor.class);

	private static final LongConsumer NO_RECORDER = (nanos) -> {
	};

	/**
	 * The executor whose worker or deadline timer the current thread is.
	 */
	private static final ThreadLocal<@Nullable BoundedExecutor> OWNER = new ThreadLocal<>();

	private final String name;

	private final ExecutorSettings settings;

	private final @Nullable TaskDecorator taskDecorator;

	private final ThreadPoolExecutor pool;

	private final LongAdder rejected = new LongAdder();

	private final LongAdder expiredQueued = new LongAdder();

	private final LongAdder expiredRunning = new LongAdder();

	/**
	 * Tasks accepted and not finished (running, or queued), counted here rather than asked
	 * of the pool, whose counts take its main lock.
	 */
	private final LongAdder submitted = new LongAdder();

	/**
	 * Tasks of fan-outs submitted and not finished.
	 */
	private final AtomicInteger fanOutTasks = new AtomicInteger();

	private volatile LongConsumer queueWaitRecorder = NO_RECORDER;

	private volatile @Nullable ScheduledThreadPoolExecutor deadlines;

	private final Object shutdownMonitor = new Object();

	private int pendingAtShutdown = -1;

	private volatile @Nullable Drain drain;

	/**
	 * Create an executor with no task decorator.
	 * @param name the executor's name, used in errors, metrics and the endpoint
	 * @param settings its settings
	 */
	public BoundedExecutor(String name, ExecutorSettings settings) {
		this(name, settings, null);
	}

	/**
	 * Create an executor.
	 * @param name the executor's name, used in errors, metrics and the endpoint
	 * @param settings its settings
	 * @param taskDecorator the decorator applied to every task on submission, or
	 * {@code null}
	 */
	public BoundedExecutor(String name, ExecutorSettings settings, @Nullable TaskDecorator taskDecorator) {
		Assert.hasText(name, "'name' must not be empty");
		this.name = name;
		this.settings = settings;
		this.taskDecorator = taskDecorator;
		this.pool = createPool(settings);
	}

	private ThreadPoolExecutor createPool(ExecutorSettings settings) {
		boolean virtual = settings.virtualThreads();
		int core = virtual ? settings.maxSize() : settings.coreSize();
		ThreadFactory threadFactory = virtual
				? new VirtualThreadTaskExecutor(settings.threadNamePrefix()).getVirtualThreadFactory()
				: new CustomizableThreadFactory(settings.threadNamePrefix());
		TaskQueue queue = new TaskQueue(settings.queueCapacity());
		ThreadPoolExecutor pool = new ThreadPoolExecutor(core, settings.maxSize(), settings.keepAlive().toNanos(),
				TimeUnit.NANOSECONDS, queue, owned(threadFactory), new WaitThenRefuse());
		queue.pool = pool;
		// A virtual worker costs next to nothing to start again, so none stays idle.
		pool.allowCoreThreadTimeOut(virtual || settings.allowCoreThreadTimeout());
		return pool;
	}

	/**
	 * A thread factory whose threads know they are this executor's.
	 * @param threadFactory the factory to wrap
	 * @return the wrapping factory
	 */
	private ThreadFactory owned(ThreadFactory threadFactory) {
		return (runnable) -> threadFactory.newThread(() -> {
			OWNER.set(this);
			runnable.run();
		});
	}

	/**
	 * Whether the current thread is one of this executor's own: a worker or the deadline
	 * timer.
	 * @return whether the current thread is this executor's
	 */
	boolean isOwnThread() {
		return OWNER.get() == this;
	}

	/**
	 * The executor's name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * The executor's settings.
	 * @return the settings
	 */
	public ExecutorSettings getSettings() {
		return this.settings;
	}

	/**
	 * Run a task. It is queued when every thread is busy; when the queue is full too, the
	 * submission waits up to the submit timeout for room.
	 * @param task the task
	 * @throws ExecutorFullException if there was no room in time
	 * @throws TaskRejectedException if the executor is shut down
	 */
	@Override
	public void execute(Runnable task) {
		enqueue(task);
	}

	/**
	 * Run a task under a deadline, measured from now. A task whose deadline passes while
	 * it is still queued never starts; a task still running at its deadline is interrupted.
	 * Either way the future completes exceptionally with a
	 * {@link DeadlineExceededException}, and the executor counts it. Cancelling the future
	 * with {@code cancel(true)} interrupts the task if it is running.
	 * @param <T> the type of the task's result
	 * @param task the task
	 * @param deadline how long the task may take, waiting in the queue included
	 * @return the task's future
	 * @throws ExecutorFullException if there was no room in time
	 * @throws TaskRejectedException if the executor is shut down
	 */
	public <T> CompletableFuture<T> submit(Callable<T> task, Duration deadline) {
		return submit(task, deadline, false);
	}

	/**
	 * Run a task of a fan-out under a deadline. When every thread is busy it starts one
	 * more thread, up to the maximum size, rather than wait in the queue behind other work,
	 * so that concurrent fan-outs use the threads between the core and the maximum size
	 * (which other tasks get only once the queue is full).
	 * @param <T> the type of the task's result
	 * @param task the task
	 * @param deadline how long the task may take, waiting in the queue included
	 * @return the task's future
	 */
	<T> CompletableFuture<T> submitFanOutTask(Callable<T> task, Duration deadline) {
		return submit(task, deadline, true);
	}

	private <T> CompletableFuture<T> submit(Callable<T> task, Duration deadline, boolean preferNewThread) {
		Assert.notNull(task, "'task' must not be null");
		Assert.isTrue(deadline.toNanos() > 0, "'deadline' must be positive");
		DeadlineTask<T> deadlineTask = new DeadlineTask<>(this, task, deadline);
		enqueue(deadlineTask, preferNewThread);
		deadlineTask.timer(scheduleDeadline(deadlineTask::deadlinePassed, deadline.toNanos()));
		return deadlineTask;
	}

	private void enqueue(Runnable task) {
		enqueue(task, false);
	}

	private void enqueue(Runnable task, boolean preferNewThread) {
		Runnable decorated = (this.taskDecorator != null) ? this.taskDecorator.decorate(task) : task;
		this.submitted.increment();
		try {
			this.pool.execute(new QueuedTask(decorated, System.nanoTime(), preferNewThread));
		}
		catch (RuntimeException ex) {
			this.submitted.decrement();
			throw ex;
		}
	}

	/**
	 * Count a task a fan-out is about to submit, if it may. Its first task in flight always
	 * may; a further one only while the fan-outs' tasks in flight leave at least a quarter
	 * of the maximum size (one thread at least) to the first tasks of other fan-outs and to
	 * other work.
	 * @param first whether the fan-out has no other task in flight
	 * @return whether the task may be submitted (and is counted)
	 */
	boolean reserveFanOutTask(boolean first) {
		if (first) {
			this.fanOutTasks.incrementAndGet();
			return true;
		}
		int max = this.settings.maxSize();
		int limit = max - Math.max(1, max / 4);
		int current = this.fanOutTasks.get();
		while (current < limit) {
			if (this.fanOutTasks.compareAndSet(current, current + 1)) {
				return true;
			}
			current = this.fanOutTasks.get();
		}
		return false;
	}

	void fanOutTaskEnded() {
		this.fanOutTasks.decrementAndGet();
	}

	/**
	 * Schedule an action at a deadline on this executor's deadline timer thread.
	 * @param action the action, which must be quick
	 * @param delayNanos the delay
	 * @return the timer, to cancel when the deadline no longer matters
	 */
	ScheduledFuture<?> scheduleDeadline(Runnable action, long delayNanos) {
		return deadlines().schedule(action, delayNanos, TimeUnit.NANOSECONDS);
	}

	private ScheduledThreadPoolExecutor deadlines() {
		ScheduledThreadPoolExecutor deadlines = this.deadlines;
		if (deadlines == null) {
			synchronized (this.shutdownMonitor) {
				deadlines = this.deadlines;
				if (deadlines == null) {
					CustomizableThreadFactory threadFactory = new CustomizableThreadFactory(
							this.settings.threadNamePrefix() + "deadline-");
					threadFactory.setDaemon(true);
					deadlines = new ScheduledThreadPoolExecutor(1, owned(threadFactory));
					// Timers of tasks that finish in time are removed, so at most one timer
					// per accepted task is pending.
					deadlines.setRemoveOnCancelPolicy(true);
					this.deadlines = deadlines;
				}
			}
		}
		return deadlines;
	}

	void expired(boolean started) {
		(started ? this.expiredRunning : this.expiredQueued).increment();
	}

	/**
	 * Set what records how long each task waited in the queue.
	 * @param recorder called with the wait in nanoseconds when a task starts
	 */
	void recordQueueWait(LongConsumer recorder) {
		this.queueWaitRecorder = recorder;
	}

	ThreadPoolExecutor getThreadPoolExecutor() {
		return this.pool;
	}

	/**
	 * The executor's live state.
	 * @return the state
	 */
	public State getState() {
		Drain drain = this.drain;
		return new State(this.pool.getPoolSize(), this.pool.getActiveCount(), this.pool.getQueue().size(),
				this.settings.queueCapacity(), this.pool.getCompletedTaskCount(), this.rejected.sum(),
				this.expiredQueued.sum(), this.expiredRunning.sum(), this.pool.isShutdown(),
				(drain != null) ? drain.drained() : null, (drain != null) ? drain.unfinished() : null);
	}

	/**
	 * Stop taking new tasks; every accepted task still runs. Called by the shutdown
	 * sequence, once no request can submit more work.
	 * @return the number of accepted tasks not finished yet (running or queued)
	 */
	int beginShutdown() {
		synchronized (this.shutdownMonitor) {
			if (this.pendingAtShutdown < 0) {
				this.pendingAtShutdown = this.pool.getQueue().size() + this.pool.getActiveCount();
				this.pool.shutdown();
			}
			return this.pendingAtShutdown;
		}
	}

	/**
	 * Wait until every accepted task has finished or the given instant has passed.
	 * @param deadlineNanos the {@link System#nanoTime()} to wait until at most
	 * @return what was drained and what was left unfinished
	 */
	Drain awaitDrain(long deadlineNanos) {
		int pending = beginShutdown();
		boolean terminated = this.pool.isTerminated();
		try {
			long remaining = deadlineNanos - System.nanoTime();
			if (!terminated && remaining > 0) {
				terminated = this.pool.awaitTermination(remaining, TimeUnit.NANOSECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		int unfinished = terminated ? 0 : this.pool.getQueue().size() + this.pool.getActiveCount();
		Drain drain = new Drain(Math.max(0, pending - unfinished), unfinished);
		this.drain = drain;
		if (unfinished > 0) {
			logger.warn("Executor '" + this.name + "' did not finish " + unfinished + " accepted task"
					+ ((unfinished != 1) ? "s" : "") + " within its await-termination of "
					+ PropertyCheck.format(this.settings.awaitTermination())
					+ "; they are interrupted");
		}
		return drain;
	}

	/**
	 * Drain what is left if the shutdown sequence has not (a context that failed to
	 * start), then interrupt any task still running.
	 */
	@Override
	public void destroy() {
		if (this.drain == null) {
			awaitDrain(System.nanoTime() + this.settings.awaitTermination().toNanos());
		}
		this.pool.shutdownNow();
		ScheduledThreadPoolExecutor deadlines = this.deadlines;
		if (deadlines != null) {
			deadlines.shutdownNow();
		}
	}

	@Override
	public String toString() {
		return "BoundedExecutor '" + this.name + "' " + this.settings;
	}

	/**
	 * What a drain on shutdown achieved.
	 *
	 * @param drained the accepted tasks that finished during the drain
	 * @param unfinished the accepted tasks not finished when the drain window closed
	 */
	record Drain(int drained, int unfinished) {

	}

	/**
	 * The live state of a {@link BoundedExecutor}.
	 *
	 * @param poolSize the number of threads
	 * @param active the number of threads running a task
	 * @param queued the number of tasks waiting for a thread, expired or cancelled ones
	 * not yet dropped by a worker included
	 * @param queueCapacity the queue's capacity
	 * @param completed the number of tasks completed
	 * @param rejected the number of tasks refused because the executor was full
	 * @param expiredQueued the number of tasks whose deadline passed while queued
	 * @param expiredRunning the number of tasks interrupted at their deadline
	 * @param shutdown whether the executor takes no new tasks
	 * @param drainedAtShutdown the accepted tasks that finished during the drain, or
	 * {@code null} before shutdown
	 * @param unfinishedAtShutdown the accepted tasks not finished when the drain window
	 * closed, or {@code null} before shutdown
	 */
	public record State(int poolSize, int active, int queued, int queueCapacity, long completed, long rejected,
			long expiredQueued, long expiredRunning, boolean shutdown, @Nullable Integer drainedAtShutdown,
			@Nullable Integer unfinishedAtShutdown) {

	}

	private final class QueuedTask implements Runnable {

		private final Runnable task;

		private final long queuedAt;

		private final boolean preferNewThread;

		QueuedTask(Runnable task, long queuedAt, boolean preferNewThread) {
			this.task = task;
			this.queuedAt = queuedAt;
			this.preferNewThread = preferNewThread;
		}

		@Override
		public void run() {
			BoundedExecutor.this.queueWaitRecorder.accept(System.nanoTime() - this.queuedAt);
			try {
				this.task.run();
			}
			finally {
				BoundedExecutor.this.submitted.decrement();
			}
		}

	}

	/**
	 * The bounded queue. A fan-out's task is refused by it when every thread is busy and the
	 * pool may still grow, so that the pool starts a thread for it (as Tomcat's queue does
	 * for every task); other tasks are queued as in any {@link ThreadPoolExecutor}.
	 */
	private final class TaskQueue extends LinkedBlockingQueue<Runnable> {

		private @Nullable ThreadPoolExecutor pool;

		TaskQueue(int capacity) {
			super(capacity);
		}

		@Override
		public boolean offer(Runnable task) {
			ThreadPoolExecutor pool = this.pool;
			if (pool != null && task instanceof QueuedTask queued && queued.preferNewThread) {
				// The count includes this task: above the threads, none is idle to take it.
				int threads = pool.getPoolSize();
				if (threads < pool.getMaximumPoolSize() && BoundedExecutor.this.submitted.sum() > threads) {
					return false;
				}
			}
			return super.offer(task);
		}

		/**
		 * Queue a fan-out's task that found the pool at its maximum after all.
		 * @param task the task
		 * @return whether there was room
		 */
		boolean offerToQueue(Runnable task) {
			return super.offer(task);
		}

	}

	/**
	 * Waits for room up to the submit timeout, then refuses with an
	 * {@link ExecutorFullException} and counts it. A submission from one of the executor's
	 * own threads does not wait.
	 */
	private final class WaitThenRefuse implements RejectedExecutionHandler {

		@Override
		public void rejectedExecution(Runnable task, ThreadPoolExecutor pool) {
			if (pool.isShutdown()) {
				throw new TaskRejectedException("Executor '" + BoundedExecutor.this.name + "' is shut down");
			}
			if (task instanceof QueuedTask queued && queued.preferNewThread
					&& ((TaskQueue) pool.getQueue()).offerToQueue(task)) {
				// The pool reached its maximum meanwhile: the task waits in the queue.
				if (pool.isShutdown() && pool.remove(task)) {
					throw new TaskRejectedException("Executor '" + BoundedExecutor.this.name + "' is shut down");
				}
				return;
			}
			long timeout = isOwnThread() ? 0 : BoundedExecutor.this.settings.submitTimeout().toNanos();
			long waited = 0;
			if (timeout > 0) {
				long start = System.nanoTime();
				try {
					if (pool.getQueue().offer(task, timeout, TimeUnit.NANOSECONDS)) {
						if (pool.isShutdown() && pool.remove(task)) {
							throw new TaskRejectedException(
									"Executor '" + BoundedExecutor.this.name + "' is shut down");
						}
						if (pool.getPoolSize() == 0) {
							pool.prestartCoreThread();
						}
						return;
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				waited = System.nanoTime() - start;
			}
			BoundedExecutor.this.rejected.increment();
			throw new ExecutorFullException(BoundedExecutor.this.name,
					BoundedExecutor.this.settings.queueCapacity(), Duration.ofNanos(waited));
		}

	}

	/**
	 * A task under a deadline and its future.
	 */
	private static final class DeadlineTask<T> extends CompletableFuture<T> implements Runnable {

		private static final int NEW = 0;

		private static final int RUNNING = 1;

		private static final int DONE = 2;

		private final BoundedExecutor executor;

		private final Callable<T> task;

		private final Duration deadline;

		private final long deadlineNanos;

		private int state = NEW;

		private @Nullable Thread runner;

		private @Nullable ScheduledFuture<?> timer;

		DeadlineTask(BoundedExecutor executor, Callable<T> task, Duration deadline) {
			this.executor = executor;
			this.task = task;
			this.deadline = deadline;
			this.deadlineNanos = System.nanoTime() + deadline.toNanos();
		}

		void timer(ScheduledFuture<?> timer) {
			boolean done;
			synchronized (this) {
				this.timer = timer;
				done = this.state == DONE;
			}
			if (done) {
				timer.cancel(false);
			}
		}

		@Override
		public void run() {
			boolean late;
			synchronized (this) {
				if (this.state != NEW) {
					return;
				}
				late = System.nanoTime() - this.deadlineNanos >= 0;
				this.state = late ? DONE : RUNNING;
				this.runner = late ? null : Thread.currentThread();
			}
			if (late) {
				// The timer is late: the deadline passed in the queue all the same.
				expire(false);
				return;
			}
			T result = null;
			Throwable failure = null;
			try {
				result = this.task.call();
			}
			catch (Throwable ex) {
				failure = ex;
			}
			boolean stopped;
			ScheduledFuture<?> timer;
			synchronized (this) {
				stopped = this.state == DONE;
				this.state = DONE;
				this.runner = null;
				timer = this.timer;
			}
			if (stopped) {
				// Interrupted by the deadline or a cancel: clear the interrupt we sent, so
				// that the worker's next task does not see it.
				Thread.interrupted();
				return;
			}
			if (timer != null) {
				timer.cancel(false);
			}
			if (failure != null) {
				completeExceptionally(failure);
			}
			else {
				complete(result);
			}
		}

		void deadlinePassed() {
			boolean started;
			synchronized (this) {
				if (this.state == DONE) {
					return;
				}
				started = this.state == RUNNING;
				this.state = DONE;
				if (started && this.runner != null) {
					this.runner.interrupt();
				}
			}
			expire(started);
		}

		private void expire(boolean started) {
			// A queued task keeps its slot until a worker reaches it and drops it (run()
			// returns at once): taking it out here would scan the queue under its locks.
			this.executor.expired(started);
			completeExceptionally(new DeadlineExceededException(this.executor.getName(), this.deadline, started));
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			boolean cancelled = super.cancel(mayInterruptIfRunning);
			if (cancelled) {
				abort(mayInterruptIfRunning);
			}
			return cancelled;
		}

		private void abort(boolean interrupt) {
			ScheduledFuture<?> timer;
			synchronized (this) {
				if (this.state == NEW) {
					// Left in the queue for a worker to drop, as an expired task is.
					this.state = DONE;
				}
				else if (this.state == RUNNING && interrupt) {
					this.state = DONE;
					if (this.runner != null) {
						this.runner.interrupt();
					}
				}
				timer = this.timer;
			}
			if (timer != null) {
				timer.cancel(false);
			}
		}

	}

}
