package dev.trafficguard.targets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latencies of the server's requests over the sliding window: all of them, and apart per
 * request URI pattern for at most {@code maxUris} patterns; requests to further patterns
 * count under {@value #OTHER}.
 */
public final class RequestTimings {

	/**
	 * The URI of requests past the most URI patterns kept apart.
	 */
	static final String OTHER = "OTHER";

	private final long sliceNanos;

	private final int maxUris;

	private final LatencyWindow other;

	private final Map<String, LatencyWindow> byUri = new ConcurrentHashMap<>();

	/**
	 * Create the timings.
	 * @param window the sliding window
	 * @param maxUris most URI patterns kept apart
	 */
	public RequestTimings(Duration window, int maxUris) {
		this.sliceNanos = Math.max(1, window.toNanos() / LatencyWindow.SLICES);
		this.maxUris = maxUris;
		this.other = new LatencyWindow(this.sliceNanos);
	}

	/**
	 * Record a request's latency.
	 * @param uri the request's URI pattern, such as {@code /orders/{id}}
	 * @param nanos the latency
	 * @param now {@link System#nanoTime()} when the request ended
	 */
	public void record(String uri, long nanos, long now) {
		LatencyWindow window = this.byUri.get(uri);
		if (window == null) {
			window = windowFor(uri);
		}
		window.record(nanos, now);
	}

	private LatencyWindow windowFor(String uri) {
		// Racing first requests may add a few patterns past the bound; it stays within a few.
		if (this.byUri.size() >= this.maxUris) {
			return this.other;
		}
		return this.byUri.computeIfAbsent(uri, (key) -> new LatencyWindow(this.sliceNanos));
	}

	/**
	 * The latencies of every request in the window.
	 * @param now {@link System#nanoTime()}
	 * @return the snapshot
	 */
	LatencyWindow.Snapshot all(long now) {
		// Added up from the URIs' windows when asked, so a request counts once
		int[] counts = new int[LatencyWindow.BUCKETS];
		long total = this.other.addTo(counts, now);
		for (LatencyWindow window : this.byUri.values()) {
			total += window.addTo(counts, now);
		}
		return new LatencyWindow.Snapshot(counts, total);
	}

	/**
	 * The URIs with the highest 99th percentile latency in the window.
	 * @param count how many
	 * @param now {@link System#nanoTime()}
	 * @return the URIs, slowest first
	 */
	List<UriLatency> slowest(int count, long now) {
		List<UriLatency> uris = new ArrayList<>();
		this.byUri.forEach((uri, window) -> add(uris, uri, window, now));
		add(uris, OTHER, this.other, now);
		uris.sort(Comparator.comparingDouble(UriLatency::p99).reversed());
		return List.copyOf(uris.subList(0, Math.min(count, uris.size())));
	}

	private static void add(List<UriLatency> uris, String uri, LatencyWindow window, long now) {
		LatencyWindow.Snapshot snapshot = window.snapshot(now);
		if (snapshot.total() > 0) {
			uris.add(new UriLatency(uri, snapshot.total(), round(snapshot.percentileMillis(0.5)),
					round(snapshot.percentileMillis(0.99))));
		}
	}

	static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

	/**
	 * One URI's latencies in the window.
	 *
	 * @param uri the URI pattern
	 * @param requests the requests in the window
	 * @param p50 the median latency in milliseconds
	 * @param p99 the 99th percentile latency in milliseconds
	 */
	record UriLatency(String uri, long requests, double p50, double p99) {

	}

}
