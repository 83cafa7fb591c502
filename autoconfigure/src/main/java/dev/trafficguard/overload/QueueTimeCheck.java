package dev.trafficguard.overload;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Decides whether a request waited too long in the server's queue, the way CoDel (controlled
 * delay) tells a standing queue from a burst. A request that waited longer than
 * {@code max-queue-time} is always shed. When every request of a whole
 * {@code queue-time-interval} waited longer than {@code queue-time-target}, the queue is
 * standing (more arrives than the threads can serve), and for the next interval a request
 * that waited more than twice the target is shed too, as long as every worker thread is busy:
 * the queue then stays short, and the requests that are served are served while their clients
 * still wait. A burst or a pause that some requests of an interval did not wait through never
 * counts as standing, and neither does a wait for the CPU with threads to spare (a host busy
 * with other work), where shedding would turn away requests the threads could serve.
 * <p>
 * No lock: one striped minimum and one compare-and-set per interval.
 */
final class QueueTimeCheck {

	private final long maxNanos;

	private final long targetNanos;

	private final long intervalNanos;

	private final LongAccumulator intervalMinimum = new LongAccumulator(Math::min, Long.MAX_VALUE);

	private final AtomicLong intervalEnd;

	private volatile boolean standing;

	QueueTimeCheck(Duration max, Duration target, Duration interval) {
		this.maxNanos = max.toNanos();
		this.targetNanos = target.toNanos();
		this.intervalNanos = interval.toNanos();
		this.intervalEnd = new AtomicLong(System.nanoTime() + this.intervalNanos);
	}

	/**
	 * Whether a request that waited this long is to be shed.
	 * @param queuedNanos how long it waited in the server's queue
	 * @param threads the server's worker threads
	 * @return whether to shed it
	 */
	boolean shed(long queuedNanos, Threads threads) {
		if (this.maxNanos == 0) {
			return false;
		}
		if (this.targetNanos > 0) {
			long now = System.nanoTime();
			long end = this.intervalEnd.get();
			if (now - end >= 0 && this.intervalEnd.compareAndSet(end, now + this.intervalNanos)) {
				long minimum = this.intervalMinimum.getThenReset();
				this.standing = minimum != Long.MAX_VALUE && minimum > this.targetNanos;
			}
			this.intervalMinimum.accumulate(queuedNanos);
			if (this.standing && queuedNanos > 2 * this.targetNanos && threads.allBusy()) {
				return true;
			}
		}
		return queuedNanos > this.maxNanos;
	}

	/**
	 * The server's worker threads.
	 */
	interface Threads {

		/**
		 * Whether every worker thread is running a task.
		 * @return whether they are all busy
		 */
		boolean allBusy();

	}

	/**
	 * Whether the last interval found a standing queue.
	 * @return whether the queue is standing
	 */
	boolean isStanding() {
		return this.standing;
	}

}
