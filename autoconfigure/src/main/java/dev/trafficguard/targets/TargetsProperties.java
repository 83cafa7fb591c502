package dev.trafficguard.targets;

import java.time.Duration;

import dev.trafficguard.properties.PropertyCheck;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for performance targets. Each target has a goal (where a healthy
 * service stays) and a warn level (past which the {@code trafficGuardTargets} health is
 * {@code DEGRADED}); the defaults are the targets every high-traffic service should hold.
 */
@ConfigurationProperties("traffic-guard.targets")
public class TargetsProperties implements InitializingBean {

	static final String PREFIX = "traffic-guard.targets";

	static final Duration MIN_WINDOW = Duration.ofSeconds(1);

	static final Duration MAX_WINDOW = Duration.ofHours(1);

	static final int MAX_URIS = 1000;

	static final Duration MAX_LATENCY = Duration.ofHours(1);

	static final int MAX_THREADS = 10_000_000;

	static final double MAX_HEAP_GROWTH = 10_000;

	/**
	 * Whether performance targets are observed and reported (health, gauges, endpoint
	 * section). When false, no request is timed.
	 */
	private boolean enabled = true;

	/**
	 * The sliding window over which latencies, heap growth and GC pauses are observed (1s to
	 * 1h). It advances in sixths: a sample leaves it between five and six sixths of the
	 * window after it was taken.
	 */
	private Duration window = Duration.ofMinutes(1);

	/**
	 * Most request URI patterns whose latency is kept apart for the slowest-URIs list (1 to
	 * 1000, about 5.5 KB each). Requests to further patterns count under {@code OTHER}.
	 */
	private int maxUris = 100;

	/**
	 * Median request latency.
	 */
	private final P50Latency p50Latency = new P50Latency();

	/**
	 * 99th percentile request latency.
	 */
	private final P99Latency p99Latency = new P99Latency();

	/**
	 * Live platform threads.
	 */
	private final LiveThreads liveThreads = new LiveThreads();

	/**
	 * Growth of the heap in use after garbage collection.
	 */
	private final HeapGrowth heapGrowth = new HeapGrowth();

	/**
	 * Longest garbage collection pause.
	 */
	private final GcPause gcPause = new GcPause();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getWindow() {
		return this.window;
	}

	public void setWindow(Duration window) {
		this.window = window;
	}

	public int getMaxUris() {
		return this.maxUris;
	}

	public void setMaxUris(int maxUris) {
		this.maxUris = maxUris;
	}

	public P50Latency getP50Latency() {
		return this.p50Latency;
	}

	public P99Latency getP99Latency() {
		return this.p99Latency;
	}

	public LiveThreads getLiveThreads() {
		return this.liveThreads;
	}

	public HeapGrowth getHeapGrowth() {
		return this.heapGrowth;
	}

	public GcPause getGcPause() {
		return this.gcPause;
	}

	@Override
	public void afterPropertiesSet() {
		PropertyCheck.between(PREFIX + ".window", this.window, MIN_WINDOW, MAX_WINDOW);
		PropertyCheck.between(PREFIX + ".max-uris", this.maxUris, 1, MAX_URIS);
		checkDurations("p50-latency", this.p50Latency.getGoal(), this.p50Latency.getWarn());
		checkDurations("p99-latency", this.p99Latency.getGoal(), this.p99Latency.getWarn());
		checkDurations("gc-pause", this.gcPause.getGoal(), this.gcPause.getWarn());
		PropertyCheck.between(PREFIX + ".live-threads.goal", this.liveThreads.getGoal(), 1, MAX_THREADS);
		PropertyCheck.between(PREFIX + ".live-threads.warn", this.liveThreads.getWarn(), this.liveThreads.getGoal(),
				MAX_THREADS);
		PropertyCheck.between(PREFIX + ".heap-growth.goal", this.heapGrowth.getGoal(), 0, MAX_HEAP_GROWTH);
		PropertyCheck.between(PREFIX + ".heap-growth.warn", this.heapGrowth.getWarn(), this.heapGrowth.getGoal(),
				MAX_HEAP_GROWTH);
	}

	private static void checkDurations(String target, Duration goal, Duration warn) {
		PropertyCheck.between(PREFIX + "." + target + ".goal", goal, Duration.ofMillis(1), MAX_LATENCY);
		PropertyCheck.between(PREFIX + "." + target + ".warn", warn, goal, MAX_LATENCY);
	}

	/**
	 * The median request latency target.
	 */
	public static class P50Latency {

		/**
		 * Whether the median latency of the server's requests (actuator paths excluded) is a
		 * target.
		 */
		private boolean enabled = true;

		/**
		 * The median latency a healthy service stays under (1ms to 1h).
		 */
		private Duration goal = Duration.ofMillis(10);

		/**
		 * The median latency past which the target warns (goal to 1h).
		 */
		private Duration warn = Duration.ofMillis(20);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getGoal() {
			return this.goal;
		}

		public void setGoal(Duration goal) {
			this.goal = goal;
		}

		public Duration getWarn() {
			return this.warn;
		}

		public void setWarn(Duration warn) {
			this.warn = warn;
		}

	}

	/**
	 * The 99th percentile request latency target.
	 */
	public static class P99Latency {

		/**
		 * Whether the 99th percentile latency of the server's requests (actuator paths
		 * excluded) is a target.
		 */
		private boolean enabled = true;

		/**
		 * The 99th percentile latency a healthy service stays under (1ms to 1h).
		 */
		private Duration goal = Duration.ofMillis(100);

		/**
		 * The 99th percentile latency past which the target warns (goal to 1h).
		 */
		private Duration warn = Duration.ofMillis(200);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getGoal() {
			return this.goal;
		}

		public void setGoal(Duration goal) {
			this.goal = goal;
		}

		public Duration getWarn() {
			return this.warn;
		}

		public void setWarn(Duration warn) {
			this.warn = warn;
		}

	}

	/**
	 * The live thread target.
	 */
	public static class LiveThreads {

		/**
		 * Whether the number of live platform threads (daemon or not; virtual threads are not
		 * counted) is a target.
		 */
		private boolean enabled = true;

		/**
		 * The number of live threads a healthy service stays under (1 to 10000000).
		 */
		private int goal = 10_000;

		/**
		 * The number of live threads past which the target warns (goal to 10000000).
		 */
		private int warn = 50_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getGoal() {
			return this.goal;
		}

		public void setGoal(int goal) {
			this.goal = goal;
		}

		public int getWarn() {
			return this.warn;
		}

		public void setWarn(int warn) {
			this.warn = warn;
		}

	}

	/**
	 * The heap growth target.
	 */
	public static class HeapGrowth {

		/**
		 * Whether the growth of the heap in use after garbage collection, in percent a minute
		 * over the window, is a target. A heap that keeps growing after collections leaks.
		 */
		private boolean enabled = true;

		/**
		 * The growth, in percent a minute, a stable heap stays under (0 to 10000).
		 */
		private double goal = 5;

		/**
		 * The growth, in percent a minute, past which the target warns (goal to 10000).
		 */
		private double warn = 20;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public double getGoal() {
			return this.goal;
		}

		public void setGoal(double goal) {
			this.goal = goal;
		}

		public double getWarn() {
			return this.warn;
		}

		public void setWarn(double warn) {
			this.warn = warn;
		}

	}

	/**
	 * The garbage collection pause target.
	 */
	public static class GcPause {

		/**
		 * Whether the longest stop-the-world pause in the window, as the collector reports it
		 * (in whole milliseconds), is a target. Concurrent phases are not pauses.
		 */
		private boolean enabled = true;

		/**
		 * The longest pause a healthy service stays under (1ms to 1h).
		 */
		private Duration goal = Duration.ofMillis(1);

		/**
		 * The longest pause past which the target warns (goal to 1h).
		 */
		private Duration warn = Duration.ofMillis(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getGoal() {
			return this.goal;
		}

		public void setGoal(Duration goal) {
			this.goal = goal;
		}

		public Duration getWarn() {
			return this.warn;
		}

		public void setWarn(Duration warn) {
			this.warn = warn;
		}

	}

}
