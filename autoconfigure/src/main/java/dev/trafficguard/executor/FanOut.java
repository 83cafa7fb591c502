package dev.trafficguard.executor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Runs many tasks on a {@link BoundedExecutor} with a bound on how many run at once, under
 * one deadline, and fans the results in, in input order.
 * <ul>
 * <li>{@link #all(List)}: the results, or the first failure; the first failure or the
 * deadline cancels the tasks not finished (interrupting those running).</li>
 * <li>{@link #settle(List)}: every task's {@link Outcome}, a value or an error; the
 * deadline ends the tasks not finished with a {@link DeadlineExceededException}.</li>
 * </ul>
 * A fan-out never holds more than its parallelism of the executor's workers: it submits
 * the next task only when one of its own has finished, so one big request cannot take every
 * worker from the others. Its parallelism is at most the executor's
 * {@link ExecutorSettings#maxFanOutParallelism() max-fan-out-parallelism} (a quarter of its
 * maximum size unless set), whatever the caller asks. Its first task is always submitted;
 * a further one only while more than a quarter of the executor's threads are free, so that
 * a small fan-out arriving while big ones run finds a thread at once. When every thread is
 * busy, a fan-out's task starts one more thread, up to the maximum size, rather than wait
 * in the queue behind other work.
 * <p>
 * A task the executor refuses fails like any other ({@link ExecutorFullException}). The next
 * task is submitted from the thread of the task that finished, one of the executor's
 * workers, which never waits for room in the queue: a full queue refuses it at once,
 * whatever the submit timeout.
 * <p>
 * A fan-out takes at most {@value #MAX_TASKS} tasks; a longer list is refused with an
 * {@link IllegalArgumentException} before any task runs.
 * <pre class="code">
 * List&lt;Price&gt; prices = FanOut.of(executor).parallelism(4).deadline(Duration.ofSeconds(2))
 *     .all(tasks)
 *     .join();
 * </pre>
 * Instances are immutable and thread-safe.
 */
public final class FanOut {

	/**
	 * The deadline of a fan-out unless another is set.
	 */
	public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

	/**
	 * The largest number of tasks one fan-out takes.
	 */
	public static final int MAX_TASKS = 10_000;

	private final BoundedExecutor executor;

	private final int parallelism;

	private final Duration deadline;

	private FanOut(BoundedExecutor executor, int parallelism, Duration deadline) {
		this.executor = executor;
		this.parallelism = parallelism;
		this.deadline = deadline;
	}

	/**
	 * A fan-out on the given executor, with a parallelism of half its core size (at least
	 * 1, at most the executor's max-fan-out-parallelism) and a deadline of
	 * {@link #DEFAULT_DEADLINE 30 seconds}.
	 * @param executor the executor
	 * @return the fan-out
	 */
	public static FanOut of(BoundedExecutor executor) {
		Assert.notNull(executor, "'executor' must not be null");
		ExecutorSettings settings = executor.getSettings();
		int core = settings.virtualThreads() ? settings.maxSize() : settings.coreSize();
		return new FanOut(executor, capped(executor, Math.max(1, core / 2)), DEFAULT_DEADLINE);
	}

	/**
	 * This fan-out with another bound on the number of tasks that run at once. The bound
	 * in force is at most the executor's max-fan-out-parallelism, whatever is asked here.
	 * @param parallelism the bound, at least 1
	 * @return the new fan-out
	 */
	public FanOut parallelism(int parallelism) {
		Assert.isTrue(parallelism >= 1, "'parallelism' must be at least 1");
		return new FanOut(this.executor, capped(this.executor, parallelism), this.deadline);
	}

	private static int capped(BoundedExecutor executor, int parallelism) {
		return Math.min(parallelism, executor.getSettings().maxFanOutParallelism());
	}

	/**
	 * This fan-out with another deadline, for all its tasks together, measured from the
	 * call of {@link #all(List)} or {@link #settle(List)}.
	 * @param deadline the deadline, positive
	 * @return the new fan-out
	 */
	public FanOut deadline(Duration deadline) {
		Assert.isTrue(deadline.toNanos() > 0, "'deadline' must be positive");
		return new FanOut(this.executor, this.parallelism, deadline);
	}

	/**
	 * The bound in force on the number of tasks that run at once: the one asked, at most
	 * the executor's max-fan-out-parallelism.
	 * @return the parallelism
	 */
	public int getParallelism() {
		return this.parallelism;
	}

	/**
	 * The deadline of all the tasks together.
	 * @return the deadline
	 */
	public Duration getDeadline() {
		return this.deadline;
	}

	/**
	 * Run the tasks and fan their results in. The first failure (a task's exception, a
	 * refusal of the executor, or the deadline) completes the future exceptionally with it
	 * and cancels every task not finished, interrupting those running.
	 * @param <T> the type of the results
	 * @param tasks the tasks, at most {@value #MAX_TASKS}
	 * @return a future of the results in the order of the tasks
	 * @throws IllegalArgumentException if there are more than {@value #MAX_TASKS} tasks
	 */
	public <T> CompletableFuture<List<T>> all(List<? extends Callable<? extends T>> tasks) {
		Run<T> run = new Run<>(tasks, true);
		run.start();
		CompletableFuture<List<T>> values = run.result.thenApply(Outcome::values);
		values.whenComplete((result, error) -> {
			if (error instanceof CancellationException) {
				run.result.cancel(true);
			}
		});
		return values;
	}

	/**
	 * Run the tasks and collect every outcome, a value or an error. The future completes
	 * normally once every task has an outcome; tasks not finished at the deadline are
	 * cancelled (interrupted if running) and have a {@link DeadlineExceededException}.
	 * @param <T> the type of the results
	 * @param tasks the tasks, at most {@value #MAX_TASKS}
	 * @return a future of the outcomes in the order of the tasks
	 * @throws IllegalArgumentException if there are more than {@value #MAX_TASKS} tasks
	 */
	public <T> CompletableFuture<List<Outcome<T>>> settle(List<? extends Callable<? extends T>> tasks) {
		Run<T> run = new Run<>(tasks, false);
		run.start();
		return run.result;
	}

	/**
	 * The outcome of one task of a fan-out: its value or its error.
	 *
	 * @param <T> the type of the value
	 * @param value the value, {@code null} when the task failed (or returned {@code null})
	 * @param error the error, {@code null} when the task succeeded
	 */
	public record Outcome<T>(@Nullable T value, @Nullable Throwable error) {

		/**
		 * Whether the task succeeded.
		 * @return whether there is no error
		 */
		public boolean isSuccess() {
			return this.error == null;
		}

		static <T> List<T> values(List<Outcome<T>> outcomes) {
			List<T> values = new ArrayList<>(outcomes.size());
			for (Outcome<T> outcome : outcomes) {
				values.add(outcome.value());
			}
			return Collections.unmodifiableList(values);
		}

	}

	/**
	 * One call of {@link #all(List)} or {@link #settle(List)}.
	 */
	private final class Run<T> {

		private final List<? extends Callable<? extends T>> tasks;

		private final boolean failFast;

		private final long deadlineNanos;

		private final CompletableFuture<? extends T>[] futures;

		private final Outcome<T>[] outcomes;

		private final AtomicInteger next = new AtomicInteger();

		/**
		 * Tasks submitted and not finished.
		 */
		private final AtomicInteger inFlight = new AtomicInteger();

		/**
		 * Passes of {@link #launch()} asked for and not done yet; the thread that raises it
		 * from 0 launches until it is 0 again, so that a refusal launching the next task does
		 * not recurse.
		 */
		private final AtomicInteger launches = new AtomicInteger();

		private int finished;

		private final CompletableFuture<List<Outcome<T>>> result = new CompletableFuture<>();

		private @Nullable ScheduledFuture<?> timer;

		@SuppressWarnings("unchecked")
		Run(List<? extends Callable<? extends T>> tasks, boolean failFast) {
			Assert.notNull(tasks, "'tasks' must not be null");
			if (tasks.size() > MAX_TASKS) {
				throw new IllegalArgumentException("A fan-out takes at most " + MAX_TASKS + " tasks, not "
						+ tasks.size() + ": split them into several fan-outs or run them as a batch job");
			}
			this.tasks = List.copyOf(tasks);
			this.failFast = failFast;
			this.deadlineNanos = System.nanoTime() + FanOut.this.deadline.toNanos();
			this.futures = new CompletableFuture[tasks.size()];
			this.outcomes = new Outcome[tasks.size()];
		}

		void start() {
			if (this.tasks.isEmpty()) {
				this.result.complete(List.of());
				return;
			}
			// However the result completes (all done, a failure, the deadline, the caller's
			// cancel), whatever still runs is cancelled.
			this.result.whenComplete((outcomes, error) -> cancelUnfinished());
			ScheduledFuture<?> timer = FanOut.this.executor.scheduleDeadline(this::deadlinePassed,
					FanOut.this.deadline.toNanos());
			synchronized (this) {
				this.timer = timer;
			}
			launch();
		}

		/**
		 * Submit tasks while the fan-out may: its first task in flight always, further ones
		 * up to its parallelism while the executor has room for them.
		 */
		private void launch() {
			if (this.launches.getAndIncrement() != 0) {
				// The thread in the loop below launches them.
				return;
			}
			do {
				while (launchOne()) {
					// Until the parallelism, the room or the tasks run out.
				}
			}
			while (this.launches.decrementAndGet() != 0);
		}

		private boolean launchOne() {
			int inFlight = this.inFlight.get();
			if (inFlight >= FanOut.this.parallelism || this.next.get() >= this.tasks.size() || this.result.isDone()) {
				return false;
			}
			long remaining = this.deadlineNanos - System.nanoTime();
			if (remaining <= 0) {
				deadlinePassed();
				return false;
			}
			if (!FanOut.this.executor.reserveFanOutTask(inFlight == 0)) {
				return false;
			}
			int index = this.next.getAndIncrement();
			this.inFlight.incrementAndGet();
			CompletableFuture<? extends T> future;
			try {
				future = FanOut.this.executor.submitFanOutTask(this.tasks.get(index), Duration.ofNanos(remaining));
			}
			catch (RuntimeException ex) {
				finish(index, null, ex);
				return true;
			}
			boolean cancel;
			synchronized (this) {
				this.futures[index] = future;
				cancel = this.result.isDone();
			}
			if (cancel) {
				this.inFlight.decrementAndGet();
				FanOut.this.executor.fanOutTaskEnded();
				future.cancel(true);
				return false;
			}
			future.whenComplete((value, error) -> finish(index, value, error));
			return true;
		}

		private void finish(int index, @Nullable T value, @Nullable Throwable error) {
			this.inFlight.decrementAndGet();
			FanOut.this.executor.fanOutTaskEnded();
			Throwable cause = unwrap(error);
			if (cause instanceof DeadlineExceededException taskDeadline) {
				// Each task runs under what is left of the fan-out's deadline: report that.
				cause = new DeadlineExceededException(FanOut.this.executor.getName(), FanOut.this.deadline,
						taskDeadline.isStarted());
			}
			boolean complete;
			synchronized (this) {
				if (this.result.isDone() || this.outcomes[index] != null) {
					return;
				}
				this.outcomes[index] = new Outcome<>(value, cause);
				this.finished++;
				complete = this.finished == this.tasks.size();
			}
			if (cause != null && this.failFast) {
				fail(cause);
			}
			else if (complete) {
				succeed();
			}
			else {
				launch();
			}
		}

		private void deadlinePassed() {
			if (this.failFast) {
				fail(new DeadlineExceededException(FanOut.this.executor.getName(), FanOut.this.deadline, true));
				return;
			}
			synchronized (this) {
				if (this.result.isDone()) {
					return;
				}
				for (int i = 0; i < this.outcomes.length; i++) {
					if (this.outcomes[i] == null) {
						this.outcomes[i] = new Outcome<>(null, new DeadlineExceededException(
								FanOut.this.executor.getName(), FanOut.this.deadline, this.futures[i] != null));
					}
				}
				this.finished = this.tasks.size();
			}
			succeed();
		}

		private void fail(Throwable cause) {
			this.result.completeExceptionally(cause);
		}

		private void succeed() {
			List<Outcome<T>> outcomes;
			synchronized (this) {
				outcomes = Collections.unmodifiableList(Arrays.asList(this.outcomes.clone()));
			}
			this.result.complete(outcomes);
		}

		private void cancelUnfinished() {
			List<CompletableFuture<?>> running = new ArrayList<>();
			ScheduledFuture<?> timer;
			synchronized (this) {
				for (CompletableFuture<?> future : this.futures) {
					if (future != null && !future.isDone()) {
						running.add(future);
					}
				}
				timer = this.timer;
			}
			if (timer != null) {
				timer.cancel(false);
			}
			for (CompletableFuture<?> future : running) {
				future.cancel(true);
			}
		}

	}

	private static @Nullable Throwable unwrap(@Nullable Throwable error) {
		if (error instanceof CompletionException && error.getCause() != null) {
			return error.getCause();
		}
		return error;
	}

}
