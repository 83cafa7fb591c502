package dev.trafficguard.deadline;

import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the deadline meters, read from the counts the feature keeps:
 * {@code traffic.guard.deadline.exceeded} per {@code part}, the requests answered 504
 * because that part ran out of time; {@code traffic.guard.deadline.refused} per {@code part},
 * calls not made because no time was left; {@code traffic.guard.deadline.tasks.dropped}, tasks
 * that never ran because their request's deadline passed first; and
 * {@code traffic.guard.deadline.header} per {@code outcome} ({@code honoured},
 * {@code untrusted}, {@code invalid}).
 */
final class DeadlineMetrics implements MeterBinder {

	static final String EXCEEDED = "traffic.guard.deadline.exceeded";

	static final String REFUSED = "traffic.guard.deadline.refused";

	static final String TASKS_DROPPED = "traffic.guard.deadline.tasks.dropped";

	static final String HEADER = "traffic.guard.deadline.header";

	private final DeadlineCounters counters;

	DeadlineMetrics(DeadlineCounters counters) {
		this.counters = counters;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String part : DeadlineCounters.PARTS) {
			FunctionCounter.builder(EXCEEDED, this.counters.exceededCounter(part), LongAdder::sum)
				.description("Requests answered 504 because their deadline ran out in this part")
				.tag("part", part)
				.register(registry);
			FunctionCounter.builder(REFUSED, this.counters.refusedCounter(part), LongAdder::sum)
				.description("Calls refused at once because their request's deadline had passed")
				.tag("part", part)
				.register(registry);
		}
		FunctionCounter.builder(TASKS_DROPPED, this.counters.tasksDropped, LongAdder::sum)
			.description("Tasks dropped before they ran because their request's deadline had passed")
			.register(registry);
		header(registry, "honoured", this.counters.headerHonoured);
		header(registry, "untrusted", this.counters.headerUntrusted);
		header(registry, "invalid", this.counters.headerInvalid);
	}

	private static void header(MeterRegistry registry, String outcome, LongAdder count) {
		FunctionCounter.builder(HEADER, count, LongAdder::sum)
			.description("Requests that carried a budget header, by what became of it")
			.tag("outcome", outcome)
			.register(registry);
	}

}
