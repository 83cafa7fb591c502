package dev.trafficguard.overload;

import java.util.function.Consumer;

import com.netflix.concurrency.limits.Limit;

/**
 * Keeps any {@link Limit} between a lower and an upper bound, so that every algorithm honours
 * {@code min-limit} and {@code max-limit} (Vegas has no floor of its own).
 */
final class BoundedLimit implements Limit {

	private final Limit delegate;

	private final int min;

	private final int max;

	BoundedLimit(Limit delegate, int min, int max) {
		this.delegate = delegate;
		this.min = min;
		this.max = max;
	}

	@Override
	public int getLimit() {
		return bound(this.delegate.getLimit());
	}

	@Override
	public void notifyOnChange(Consumer<Integer> consumer) {
		this.delegate.notifyOnChange((limit) -> consumer.accept(bound(limit)));
	}

	@Override
	public void onSample(long startTime, long rtt, int inflight, boolean didDrop) {
		this.delegate.onSample(startTime, rtt, inflight, didDrop);
	}

	private int bound(int limit) {
		return Math.max(this.min, Math.min(this.max, limit));
	}

	@Override
	public String toString() {
		return this.delegate + " within [" + this.min + ", " + this.max + "]";
	}

}
