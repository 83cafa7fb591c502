package dev.trafficguard.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The shutdown timeline: each part of the shutdown sequence records when it started and
 * ended and what it drained or cut off. Each entry is logged as one short line and kept for
 * the actuator endpoint. Bounded: a shutdown has a handful of phases, and entries beyond
 * {@link #MAX_ENTRIES} are only logged.
 */
public final class ShutdownTimeline {

	private static final Log logger = LogFactory.getLog(ShutdownTimeline.class);

	static final int MAX_ENTRIES = 64;

	private final List<Entry> entries = new ArrayList<>();

	/**
	 * Record that a phase started.
	 * @param phase the phase, such as {@code executor applicationTaskExecutor}
	 */
	public void started(String phase) {
		add(new Entry(phase, "started", Instant.now(), Map.of()));
	}

	/**
	 * Record that a phase ended.
	 * @param phase the phase
	 * @param counts what it drained or cut off, such as {@code tasks-drained=12}
	 */
	public void ended(String phase, Map<String, Object> counts) {
		// Keeps the caller's order, so the log line reads as the caller wrote it
		add(new Entry(phase, "ended", Instant.now(), Collections.unmodifiableMap(new LinkedHashMap<>(counts))));
	}

	/**
	 * Record something that happened to a phase other than its start and end, such as a
	 * pool that closed when its bean was destroyed.
	 * @param phase the phase
	 * @param event what happened, such as {@code closed}
	 * @param counts what it drained or cut off
	 */
	public void record(String phase, String event, Map<String, Object> counts) {
		add(new Entry(phase, event, Instant.now(), Collections.unmodifiableMap(new LinkedHashMap<>(counts))));
	}

	/**
	 * The entries recorded so far, oldest first.
	 * @return the entries
	 */
	public synchronized List<Entry> entries() {
		return List.copyOf(this.entries);
	}

	/**
	 * How long ago the first entry was recorded.
	 * @return the time since shutdown began, or {@link Duration#ZERO} before it began
	 */
	public synchronized Duration elapsed() {
		return this.entries.isEmpty() ? Duration.ZERO : Duration.between(this.entries.get(0).at(), Instant.now());
	}

	private void add(Entry entry) {
		Duration offset;
		synchronized (this) {
			if (this.entries.size() < MAX_ENTRIES) {
				this.entries.add(entry);
			}
			offset = Duration.between(this.entries.get(0).at(), entry.at());
		}
		logger.info("Shutdown +" + offset.toMillis() + "ms " + entry.phase() + " " + entry.event()
				+ (entry.counts().isEmpty() ? "" : " " + entry.counts()));
	}

	/**
	 * One entry of the timeline.
	 *
	 * @param phase the phase
	 * @param event {@code started}, {@code ended} or another event, such as {@code closed}
	 * @param at when
	 * @param counts what the phase drained or cut off
	 */
	public record Entry(String phase, String event, Instant at, Map<String, Object> counts) {

	}

}
