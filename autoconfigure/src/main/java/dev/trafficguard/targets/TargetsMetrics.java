package dev.trafficguard.targets;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds a gauge per enabled target, tagged {@code target}: {@code traffic.guard.target.observed}
 * (NaN with nothing observed), {@code traffic.guard.target.goal},
 * {@code traffic.guard.target.warn} and {@code traffic.guard.target.state} (0 ok, 1 above
 * goal, 2 warn, -1 no data). Latencies and pauses are in seconds, as Micrometer's base unit
 * of time; threads in threads; heap growth in percent a minute. The gauges read the
 * monitor's latest periodic evaluation, so a scrape costs no evaluation.
 */
final class TargetsMetrics implements MeterBinder {

	private final TargetMonitor monitor;

	TargetsMetrics(TargetMonitor monitor) {
		this.monitor = monitor;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String name : this.monitor.names()) {
			double scale = (name.equals(TargetMonitor.LIVE_THREADS) || name.equals(TargetMonitor.HEAP_GROWTH)) ? 1
					: 0.001;
			gauge(registry, "observed", "The target's value observed over the window", name, (observation) -> {
				Double observed = observation.observed();
				return (observed != null) ? observed * scale : Double.NaN;
			});
			gauge(registry, "goal", "The target's goal", name, (observation) -> observation.goal() * scale);
			gauge(registry, "warn", "The target's warn level", name, (observation) -> observation.warn() * scale);
			gauge(registry, "state", "The target's state: 0 ok, 1 above goal, 2 warn, -1 no data", name,
					TargetsMetrics::state);
		}
	}

	private void gauge(MeterRegistry registry, String what, String description, String name,
			ToDoubleFunction<TargetMonitor.Observation> value) {
		Gauge.builder("traffic.guard.target." + what, this.monitor, (monitor) -> {
			TargetMonitor.Observation observation = monitor.latest(name);
			return (observation != null) ? value.applyAsDouble(observation) : Double.NaN;
		}).description(description).tag("target", name).register(registry);
	}

	private static double state(TargetMonitor.Observation observation) {
		return switch (observation.state()) {
			case OK -> 0;
			case ABOVE_GOAL -> 1;
			case WARN -> 2;
			case NO_DATA -> -1;
		};
	}

}
