package dev.trafficguard.web;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lets a fault that may repeat once per request (a client's malformed request, a lost
 * database connection) be logged at most once per interval, with the number of
 * occurrences that were not logged since, so that a flood of bad requests never floods the
 * log. It takes no lock: one compare-and-set decides which occurrence logs.
 */
public final class ThrottledLog {

	private final long intervalNanos;

	private final AtomicLong nextAt;

	private final LongAdder suppressed = new LongAdder();

	/**
	 * Create a throttle.
	 * @param interval the least time between two lines
	 */
	public ThrottledLog(Duration interval) {
		this.intervalNanos = interval.toNanos();
		this.nextAt = new AtomicLong(System.nanoTime());
	}

	/**
	 * Record an occurrence and tell whether it may be logged now.
	 * @return the number of occurrences not logged since the last line (0 or more) if this
	 * one may be logged, or -1 if it must not be
	 */
	public long tryLog() {
		long now = System.nanoTime();
		long next = this.nextAt.get();
		if (now - next >= 0 && this.nextAt.compareAndSet(next, now + this.intervalNanos)) {
			return this.suppressed.sumThenReset();
		}
		this.suppressed.increment();
		return -1;
	}

}
