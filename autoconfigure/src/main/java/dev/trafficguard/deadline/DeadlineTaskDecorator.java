package dev.trafficguard.deadline;

import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;

import org.springframework.core.task.TaskDecorator;

/**
 * Carries the submitting thread's {@link Deadline} into a task: the task runs with it as its
 * own, and a task whose deadline passed before it started is dropped without running (its
 * future, if it is one, is cancelled) and counted. The exception is the step of a
 * {@code CompletableFuture} ({@code supplyAsync}, {@code @Async} methods returning one): it
 * is a {@link ForkJoinTask} whose cancelling would leave the dependent future pending
 * forever, so it runs, under its expired deadline, and every wait that honours the deadline
 * in it fails at once. A task submitted outside a request is left as it is, at no cost.
 */
public final class DeadlineTaskDecorator implements TaskDecorator {

	private final DeadlineCounters counters;

	DeadlineTaskDecorator(DeadlineCounters counters) {
		this.counters = counters;
	}

	@Override
	public Runnable decorate(Runnable runnable) {
		Deadline deadline = Deadline.current();
		return (deadline != null) ? new DeadlineTask(runnable, deadline, this.counters) : runnable;
	}

	private static final class DeadlineTask implements Runnable {

		private final Runnable task;

		private final Deadline deadline;

		private final DeadlineCounters counters;

		DeadlineTask(Runnable task, Deadline deadline, DeadlineCounters counters) {
			this.task = task;
			this.deadline = deadline;
			this.counters = counters;
		}

		@Override
		public void run() {
			if (this.deadline.isExpired() && !(this.task instanceof ForkJoinTask)) {
				this.counters.tasksDropped.increment();
				if (this.task instanceof Future<?> future) {
					// Whoever waits on the task learns it will never run
					future.cancel(false);
				}
				return;
			}
			try (Deadline.Scope scope = this.deadline.enter()) {
				this.task.run();
			}
		}

	}

}
