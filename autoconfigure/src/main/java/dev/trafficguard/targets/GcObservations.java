package dev.trafficguard.targets;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;

/**
 * Garbage collection over the sliding window, from the collectors' own notifications: the
 * longest stop-the-world pause and the least heap in use after a collection, per slice of
 * the window. Concurrent phases (G1's concurrent cycle, ZGC's and Shenandoah's cycles) are
 * not pauses; their heap after collection counts.
 */
final class GcObservations implements NotificationListener, AutoCloseable {

	// The concurrent collections Micrometer's JvmGcMetrics also leaves out of pauses
	private static final Set<String> CONCURRENT = Set.of("G1 Concurrent GC", "ZGC Cycles", "ZGC Major Cycles",
			"ZGC Minor Cycles", "Shenandoah Cycles");

	private final long sliceNanos;

	private final Slice[] slices = new Slice[LatencyWindow.SLICES];

	private final Set<String> heapPools;

	private final List<NotificationEmitter> emitters = new ArrayList<>();

	GcObservations(Duration window) {
		this.sliceNanos = Math.max(1, window.toNanos() / LatencyWindow.SLICES);
		for (int i = 0; i < this.slices.length; i++) {
			this.slices[i] = new Slice();
		}
		this.heapPools = Set.copyOf(ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP)
			.map(MemoryPoolMXBean::getName)
			.toList());
	}

	/**
	 * Start listening to every collector's notifications.
	 */
	void start() {
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (collector instanceof NotificationEmitter emitter) {
				emitter.addNotificationListener(this, null, null);
				this.emitters.add(emitter);
			}
		}
	}

	@Override
	public void close() {
		for (NotificationEmitter emitter : this.emitters) {
			try {
				emitter.removeNotificationListener(this);
			}
			catch (ListenerNotFoundException ex) {
				// Already removed
			}
		}
		this.emitters.clear();
	}

	@Override
	public void handleNotification(Notification notification, Object handback) {
		if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())
				|| !(notification.getUserData() instanceof CompositeData data)) {
			return;
		}
		GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(data);
		GcInfo gc = info.getGcInfo();
		boolean pause = !CONCURRENT.contains(info.getGcName()) && !"No GC".equals(info.getGcCause());
		record(pause ? gc.getDuration() : -1, heapAfter(gc.getMemoryUsageAfterGc()), System.nanoTime());
	}

	private long heapAfter(Map<String, MemoryUsage> usage) {
		long used = 0;
		for (Map.Entry<String, MemoryUsage> pool : usage.entrySet()) {
			if (this.heapPools.contains(pool.getKey())) {
				used += pool.getValue().getUsed();
			}
		}
		return used;
	}

	/**
	 * Record a collection.
	 * @param pauseMillis its pause, or -1 if it was concurrent
	 * @param heapAfter the heap in use after it, in bytes
	 * @param now {@link System#nanoTime()}
	 */
	synchronized void record(long pauseMillis, long heapAfter, long now) {
		long tick = now / this.sliceNanos;
		Slice slice = this.slices[(int) Math.floorMod(tick, (long) this.slices.length)];
		if (slice.tick != tick) {
			slice.tick = tick;
			slice.maxPauseMillis = -1;
			slice.minHeapAfter = -1;
		}
		slice.maxPauseMillis = Math.max(slice.maxPauseMillis, pauseMillis);
		if (heapAfter > 0 && (slice.minHeapAfter < 0 || heapAfter < slice.minHeapAfter)) {
			slice.minHeapAfter = heapAfter;
		}
	}

	/**
	 * The longest pause in the window.
	 * @param now {@link System#nanoTime()}
	 * @return the pause in milliseconds, or -1 if there was none
	 */
	synchronized long maxPauseMillis(long now) {
		long tick = now / this.sliceNanos;
		long max = -1;
		for (Slice slice : this.slices) {
			if (inWindow(slice, tick)) {
				max = Math.max(max, slice.maxPauseMillis);
			}
		}
		return max;
	}

	/**
	 * The growth of the heap in use after collection, in percent a minute: from the least in
	 * the oldest slice of the window with a collection to the least in the newest.
	 * @param now {@link System#nanoTime()}
	 * @return the growth, or {@link Double#NaN} if fewer than two slices saw a collection
	 */
	synchronized double heapGrowthPercentPerMinute(long now) {
		long tick = now / this.sliceNanos;
		Slice oldest = null;
		Slice newest = null;
		for (Slice slice : this.slices) {
			if (inWindow(slice, tick) && slice.minHeapAfter > 0) {
				if (oldest == null || slice.tick < oldest.tick) {
					oldest = slice;
				}
				if (newest == null || slice.tick > newest.tick) {
					newest = slice;
				}
			}
		}
		if (oldest == null || newest == null || oldest == newest) {
			return Double.NaN;
		}
		double minutes = (newest.tick - oldest.tick) * (double) this.sliceNanos / 60e9;
		double growth = (newest.minHeapAfter - oldest.minHeapAfter) * 100.0 / oldest.minHeapAfter;
		return growth / minutes;
	}

	private static boolean inWindow(Slice slice, long tick) {
		long age = tick - slice.tick;
		return age >= 0 && age < LatencyWindow.SLICES;
	}

	private static final class Slice {

		long tick = Long.MIN_VALUE;

		long maxPauseMillis = -1;

		long minHeapAfter = -1;

	}

}
