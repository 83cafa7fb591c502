package dev.trafficguard.targets;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Latencies over a sliding window, as a histogram of fixed log-linear buckets per slice of
 * the window. Recording takes no lock and allocates nothing: it increments one counter of the
 * current slice. The first recording in a new slice clears the slice it reuses, under that
 * slice's lock, once per slice.
 * <p>
 * A bucket spans an eighth of a power of two of 1.024 µs units, so a percentile read at the
 * bucket's middle is within about 6% of the recorded value; latencies of 2^31 units (about
 * 37 minutes) and more share the last bucket.
 */
final class LatencyWindow {

	/**
	 * Slices per window: the window advances by a sixth.
	 */
	static final int SLICES = 6;

	private static final int SUB_BITS = 3;

	private static final int SUB_BUCKETS = 1 << SUB_BITS;

	private static final int MAX_EXPONENT = 30;

	private static final int UNIT_SHIFT = 10;

	/**
	 * Nanoseconds per unit of the buckets.
	 */
	static final double UNIT_NANOS = 1 << UNIT_SHIFT;

	static final int BUCKETS = SUB_BUCKETS + (MAX_EXPONENT - SUB_BITS + 1) * SUB_BUCKETS;

	private final long sliceNanos;

	private final Slice[] slices = new Slice[SLICES];

	LatencyWindow(long sliceNanos) {
		this.sliceNanos = sliceNanos;
		for (int i = 0; i < SLICES; i++) {
			this.slices[i] = new Slice();
		}
	}

	/**
	 * Record a latency.
	 * @param nanos the latency
	 * @param now {@link System#nanoTime()} when the request ended
	 */
	void record(long nanos, long now) {
		long tick = now / this.sliceNanos;
		Slice slice = this.slices[(int) Math.floorMod(tick, (long) SLICES)];
		if (slice.tick != tick) {
			if (tick < slice.tick) {
				// A request that ended a whole window ago, on a thread that stalled since
				return;
			}
			slice.rotate(tick);
		}
		// Units of 1.024 µs: a shift rather than a division
		slice.counts.incrementAndGet(bucket(nanos >>> UNIT_SHIFT));
	}

	/**
	 * The counts of the slices inside the window at a time, added up per bucket.
	 * @param now {@link System#nanoTime()}
	 * @return the counts per bucket
	 */
	Snapshot snapshot(long now) {
		int[] counts = new int[BUCKETS];
		return new Snapshot(counts, addTo(counts, now));
	}

	/**
	 * Add the counts of the slices inside the window at a time to others.
	 * @param counts the counts per bucket to add to
	 * @param now {@link System#nanoTime()}
	 * @return how many latencies were added
	 */
	long addTo(int[] counts, long now) {
		long tick = now / this.sliceNanos;
		long total = 0;
		for (Slice slice : this.slices) {
			long age = tick - slice.tick;
			if (age >= 0 && age < SLICES) {
				for (int i = 0; i < BUCKETS; i++) {
					int count = slice.counts.get(i);
					counts[i] += count;
					total += count;
				}
			}
		}
		return total;
	}

	static int bucket(long units) {
		if (units < SUB_BUCKETS) {
			return (int) Math.max(0, units);
		}
		int exponent = 63 - Long.numberOfLeadingZeros(units);
		if (exponent > MAX_EXPONENT) {
			return BUCKETS - 1;
		}
		int sub = (int) (units >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1);
		return SUB_BUCKETS + (exponent - SUB_BITS) * SUB_BUCKETS + sub;
	}

	/**
	 * The middle of a bucket, in units of {@link #UNIT_NANOS} nanoseconds.
	 */
	static double middle(int bucket) {
		if (bucket < SUB_BUCKETS) {
			return bucket;
		}
		int exponent = (bucket - SUB_BUCKETS) / SUB_BUCKETS + SUB_BITS;
		int sub = (bucket - SUB_BUCKETS) % SUB_BUCKETS;
		long width = 1L << (exponent - SUB_BITS);
		long lower = (1L << exponent) + sub * width;
		return lower + width / 2.0;
	}

	/**
	 * The window's counts at one time.
	 *
	 * @param counts the count per bucket
	 * @param total the number of latencies
	 */
	record Snapshot(int[] counts, long total) {

		/**
		 * A percentile of the latencies.
		 * @param percentile between 0 and 1
		 * @return the latency in milliseconds, or -1 if there is none
		 */
		double percentileMillis(double percentile) {
			if (this.total == 0) {
				return -1;
			}
			long rank = Math.max(1, (long) Math.ceil(percentile * this.total));
			long seen = 0;
			for (int i = 0; i < this.counts.length; i++) {
				seen += this.counts[i];
				if (seen >= rank) {
					return middle(i) * UNIT_NANOS / 1e6;
				}
			}
			return middle(this.counts.length - 1) * UNIT_NANOS / 1e6;
		}

	}

	private static final class Slice {

		volatile long tick = Long.MIN_VALUE;

		final AtomicIntegerArray counts = new AtomicIntegerArray(BUCKETS);

		synchronized void rotate(long tick) {
			if (this.tick >= tick) {
				return;
			}
			for (int i = 0; i < BUCKETS; i++) {
				this.counts.set(i, 0);
			}
			this.tick = tick;
		}

	}

}
