package dev.trafficguard.executor;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Binds the metrics of every {@link BoundedExecutor}, tagged with the executor's
 * {@code name}: Micrometer's executor metrics ({@code executor.active},
 * {@code executor.queued}, {@code executor.queue.remaining}, {@code executor.pool.size},
 * {@code executor.completed}, ...), {@code traffic.guard.executor.rejected},
 * {@code traffic.guard.executor.expired} (tagged {@code state}: {@code queued} or
 * {@code running}) and the timer {@code traffic.guard.executor.queue.wait}.
 */
final class BoundedExecutorMetrics implements MeterBinder {

	private final ObjectProvider<BoundedExecutor> executors;

	BoundedExecutorMetrics(ObjectProvider<BoundedExecutor> executors) {
		this.executors = executors;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.executors.orderedStream().forEach((executor) -> bind(executor, registry));
	}

	private void bind(BoundedExecutor executor, MeterRegistry registry) {
		Tags tags = Tags.of("name", executor.getName());
		new ExecutorServiceMetrics(executor.getThreadPoolExecutor(), executor.getName(), Tags.empty()).bindTo(registry);
		FunctionCounter.builder("traffic.guard.executor.rejected", executor, (e) -> e.getState().rejected())
			.description("Tasks refused because every thread was busy and the queue was full")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("traffic.guard.executor.expired", executor, (e) -> e.getState().expiredQueued())
			.description("Tasks whose deadline passed, while queued (never run) or running (interrupted)")
			.tags(tags.and("state", "queued"))
			.register(registry);
		FunctionCounter.builder("traffic.guard.executor.expired", executor, (e) -> e.getState().expiredRunning())
			.description("Tasks whose deadline passed, while queued (never run) or running (interrupted)")
			.tags(tags.and("state", "running"))
			.register(registry);
		Timer queueWait = Timer.builder("traffic.guard.executor.queue.wait")
			.description("Time tasks waited in the queue for a thread")
			.tags(tags)
			.register(registry);
		executor.recordQueueWait((nanos) -> queueWait.record(nanos, TimeUnit.NANOSECONDS));
	}

}
