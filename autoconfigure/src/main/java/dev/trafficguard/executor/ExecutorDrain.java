package dev.trafficguard.executor;

import java.util.List;
import java.util.Map;

import dev.trafficguard.lifecycle.ShutdownPhases;
import dev.trafficguard.lifecycle.ShutdownStep;
import dev.trafficguard.lifecycle.ShutdownTimeline;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Drains every {@link BoundedExecutor} when the application shuts down, in phase
 * {@link ShutdownPhases#EXECUTORS}: after the web server has stopped taking requests, so no
 * request can submit more work, and before the HTTP clients and the database pools that the
 * tasks use close. Every executor stops taking tasks at once; each then gets its own
 * await-termination, counted from the same start, to run what it accepted. What was drained
 * and what was left unfinished goes to the {@link ShutdownTimeline}.
 * <p>
 * A context that is only stopped, not closed, keeps its executors: a drained executor
 * cannot take tasks again, and the context may be started again.
 */
final class ExecutorDrain extends ShutdownStep {

	private final ObjectProvider<BoundedExecutor> executors;

	private final ShutdownTimeline timeline;

	private volatile List<BoundedExecutor> started = List.of();

	ExecutorDrain(ObjectProvider<BoundedExecutor> executors, ShutdownTimeline timeline) {
		super(ShutdownPhases.EXECUTORS);
		this.executors = executors;
		this.timeline = timeline;
	}

	@Override
	public void start() {
		this.started = this.executors.orderedStream().toList();
		super.start();
	}

	@Override
	protected void shutdown() {
		long start = System.nanoTime();
		List<BoundedExecutor> executors = this.started;
		for (BoundedExecutor executor : executors) {
			this.timeline.started(phase(executor));
			executor.beginShutdown();
		}
		for (BoundedExecutor executor : executors) {
			BoundedExecutor.Drain drain = executor
				.awaitDrain(start + executor.getSettings().awaitTermination().toNanos());
			this.timeline.ended(phase(executor),
					Map.of("tasks-drained", drain.drained(), "tasks-unfinished", drain.unfinished()));
		}
	}

	private static String phase(BoundedExecutor executor) {
		return "executor " + executor.getName();
	}

}
