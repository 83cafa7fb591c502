package dev.trafficguard.targets;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.trafficguard.properties.PropertyCheck;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Observes the performance targets: evaluates each against its goal and warn level, logs
 * once at {@code WARN} when a target goes past its warn level and once at {@code INFO} when
 * it comes back, and keeps the latest evaluation for the gauges. It evaluates on its own
 * thread every sixth of the window (at least every second, at most every ten seconds), so a
 * change is logged even when nobody asks, and afresh whenever health or the endpoint asks.
 */
public final class TargetMonitor implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(TargetMonitor.class);

	static final String P50_LATENCY = "p50-latency";

	static final String P99_LATENCY = "p99-latency";

	static final String LIVE_THREADS = "live-threads";

	static final String HEAP_GROWTH = "heap-growth";

	static final String GC_PAUSE = "gc-pause";

	private final Duration window;

	private final RequestTimings timings;

	private final @Nullable GcObservations gc;

	private final List<Target> targets;

	private final Map<String, TargetState> states = new LinkedHashMap<>();

	private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private volatile List<Observation> latest = List.of();

	private @Nullable ScheduledExecutorService evaluator;

	TargetMonitor(TargetsProperties properties, RequestTimings timings) {
		this.window = properties.getWindow();
		this.timings = timings;
		boolean gcTargets = properties.getHeapGrowth().isEnabled() || properties.getGcPause().isEnabled();
		this.gc = gcTargets ? new GcObservations(this.window) : null;
		this.targets = targets(properties);
	}

	private List<Target> targets(TargetsProperties properties) {
		List<Target> targets = new ArrayList<>();
		TargetsProperties.P50Latency p50 = properties.getP50Latency();
		if (p50.isEnabled()) {
			targets.add(new Target(P50_LATENCY, "ms", millis(p50.getGoal()), millis(p50.getWarn()),
					(now, latencies) -> latencies.get().percentileMillis(0.5)));
		}
		TargetsProperties.P99Latency p99 = properties.getP99Latency();
		if (p99.isEnabled()) {
			targets.add(new Target(P99_LATENCY, "ms", millis(p99.getGoal()), millis(p99.getWarn()),
					(now, latencies) -> latencies.get().percentileMillis(0.99)));
		}
		TargetsProperties.LiveThreads liveThreads = properties.getLiveThreads();
		if (liveThreads.isEnabled()) {
			targets.add(new Target(LIVE_THREADS, "threads", liveThreads.getGoal(), liveThreads.getWarn(),
					(now, latencies) -> this.threads.getThreadCount()));
		}
		TargetsProperties.HeapGrowth heapGrowth = properties.getHeapGrowth();
		GcObservations gc = this.gc;
		if (heapGrowth.isEnabled() && gc != null) {
			targets.add(new Target(HEAP_GROWTH, "%/min", heapGrowth.getGoal(), heapGrowth.getWarn(),
					(now, latencies) -> gc.heapGrowthPercentPerMinute(now)));
		}
		TargetsProperties.GcPause gcPause = properties.getGcPause();
		if (gcPause.isEnabled() && gc != null) {
			targets.add(new Target(GC_PAUSE, "ms", millis(gcPause.getGoal()), millis(gcPause.getWarn()),
					(now, latencies) -> gc.maxPauseMillis(now)));
		}
		return List.copyOf(targets);
	}

	private static double millis(Duration duration) {
		return duration.toNanos() / 1e6;
	}

	/**
	 * Start listening to the collectors and evaluating periodically.
	 */
	public synchronized void start() {
		if (this.evaluator != null) {
			return;
		}
		if (this.gc != null) {
			this.gc.start();
		}
		long period = Math.min(10_000, Math.max(1000, this.window.toMillis() / LatencyWindow.SLICES));
		ScheduledExecutorService evaluator = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "traffic-guard-targets");
			thread.setDaemon(true);
			return thread;
		});
		evaluator.scheduleWithFixedDelay(this::evaluateQuietly, period, period, TimeUnit.MILLISECONDS);
		this.evaluator = evaluator;
	}

	@Override
	public synchronized void close() {
		if (this.evaluator != null) {
			this.evaluator.shutdownNow();
			this.evaluator = null;
		}
		if (this.gc != null) {
			this.gc.close();
		}
	}

	private void evaluateQuietly() {
		try {
			evaluate();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not evaluate the performance targets", ex);
		}
	}

	/**
	 * Evaluate every target now, logging those that went past their warn level or came back.
	 * @return the observations, one per enabled target
	 */
	public synchronized List<Observation> evaluate() {
		long now = System.nanoTime();
		// Both latency targets read one snapshot, taken only if one of them is enabled
		Latencies latencies = new Latencies(this.timings, now);
		List<Observation> observations = new ArrayList<>(this.targets.size());
		for (Target target : this.targets) {
			double observed = target.observe().observe(now, latencies);
			if (observed < 0 && !target.name().equals(HEAP_GROWTH)) {
				observed = Double.NaN;
			}
			TargetState state = TargetState.of(observed, target.goal(), target.warn());
			Observation observation = new Observation(target.name(),
					Double.isNaN(observed) ? null : RequestTimings.round(observed), target.goal(), target.warn(),
					target.unit(), state);
			log(observation, this.states.put(target.name(), state));
			observations.add(observation);
		}
		this.latest = List.copyOf(observations);
		return this.latest;
	}

	private void log(Observation observation, @Nullable TargetState previous) {
		boolean warns = observation.state() == TargetState.WARN;
		boolean warned = previous == TargetState.WARN;
		if (warns && !warned) {
			logger.warn("Performance target " + observation.name() + " is past its warn level: observed "
					+ format(observation.observed(), observation.unit()) + over(observation) + ", warn level "
					+ format(observation.warn(), observation.unit()) + ", goal "
					+ format(observation.goal(), observation.unit()));
		}
		else if (warned && !warns) {
			logger.info("Performance target " + observation.name() + " is back under its warn level: observed "
					+ format(observation.observed(), observation.unit()) + over(observation) + ", warn level "
					+ format(observation.warn(), observation.unit()));
		}
	}

	private String over(Observation observation) {
		return observation.name().equals(LIVE_THREADS) ? " now" : " over the last " + PropertyCheck.format(this.window);
	}

	private static String format(@Nullable Double value, String unit) {
		if (value == null) {
			return "nothing";
		}
		String number = (value == Math.rint(value)) ? Long.toString(value.longValue()) : value.toString();
		return unit.startsWith("%") ? number + unit : number + " " + unit;
	}

	/**
	 * The latest evaluation, periodic or asked for.
	 * @return the observations
	 */
	public List<Observation> latest() {
		return this.latest;
	}

	/**
	 * The latest observation of one target.
	 * @param name the target's name
	 * @return the observation, or {@code null} if the target is not enabled or not evaluated
	 * yet
	 */
	@Nullable Observation latest(String name) {
		for (Observation observation : this.latest) {
			if (observation.name().equals(name)) {
				return observation;
			}
		}
		return null;
	}

	/**
	 * The names of the enabled targets.
	 * @return the names, in order
	 */
	List<String> names() {
		return this.targets.stream().map(Target::name).toList();
	}

	/**
	 * The sliding window.
	 * @return the window
	 */
	Duration window() {
		return this.window;
	}

	RequestTimings timings() {
		return this.timings;
	}

	private record Target(String name, String unit, double goal, double warn, Observer observe) {

	}

	@FunctionalInterface
	private interface Observer {

		/**
		 * The value observed, negative or NaN if there is none.
		 */
		double observe(long now, Latencies latencies);

	}

	private static final class Latencies {

		private final RequestTimings timings;

		private final long now;

		private LatencyWindow.@Nullable Snapshot snapshot;

		Latencies(RequestTimings timings, long now) {
			this.timings = timings;
			this.now = now;
		}

		LatencyWindow.Snapshot get() {
			LatencyWindow.Snapshot snapshot = this.snapshot;
			if (snapshot == null) {
				snapshot = this.timings.all(this.now);
				this.snapshot = snapshot;
			}
			return snapshot;
		}

	}

	/**
	 * One target's evaluation.
	 *
	 * @param name the target, such as {@code p99-latency}
	 * @param observed the value observed over the window (live threads: now), or
	 * {@code null} if nothing was observed
	 * @param goal the goal
	 * @param warn the warn level
	 * @param unit the unit of the three values
	 * @param state where the observed value stands
	 */
	public record Observation(String name, @Nullable Double observed, double goal, double warn, String unit,
			TargetState state) {

	}

}
