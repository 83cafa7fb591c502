package dev.trafficguard.overload;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limiter.AbstractLimiter;
import com.netflix.concurrency.limits.limiter.AbstractPartitionedLimiter;
import com.netflix.concurrency.limits.limiter.BlockingLimiter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The concurrency limit on inbound requests, built on Netflix concurrency-limits: the
 * adaptive {@link Limit} kept within its bounds, a limiter with a guaranteed share per path
 * group, an optional bounded wait for a slot, and the counts of what was admitted and shed
 * and why.
 * <p>
 * It logs one line when shedding starts and one when it has stopped for
 * {@link #QUIET_PERIOD}, never one per request.
 */
public final class RequestLimiter {

	/**
	 * How long no request must be shed before shedding counts as stopped.
	 */
	static final Duration QUIET_PERIOD = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(RequestLimiter.class);

	private final Limiter<String> limiter;

	private final AbstractLimiter<String> counting;

	private final Limit limit;

	private final PathGroups groups;

	private final boolean waits;

	private final LongAdder admitted = new LongAdder();

	private final LongAdder[] shed = new LongAdder[ShedReason.values().length];

	private final AtomicBoolean shedding = new AtomicBoolean();

	private volatile long lastShedNanos;

	private final LongAdder shedSinceStart = new LongAdder();

	RequestLimiter(Limit limit, PathGroups groups, Duration maxWait) {
		this.limit = limit;
		this.groups = groups;
		Builder builder = new Builder().named("traffic-guard").limit(limit);
		if (!groups.isEmpty()) {
			builder.partitionResolver(groups::groupOf);
			groups.shares().forEach(builder::partition);
		}
		Limiter<String> built = builder.build();
		this.counting = (AbstractLimiter<String>) built;
		this.waits = !maxWait.isZero();
		this.limiter = this.waits ? BlockingLimiter.wrap(built, maxWait) : built;
		for (int i = 0; i < this.shed.length; i++) {
			this.shed[i] = new LongAdder();
		}
	}

	/**
	 * Create the limit an algorithm describes.
	 * @param algorithm the algorithm
	 * @param min the lowest limit
	 * @param max the highest limit
	 * @param initial the limit to start from
	 * @param smoothing the share of each new estimate taken (gradient and vegas)
	 * @return the limit, kept within its bounds
	 */
	static Limit createLimit(OverloadProperties.Algorithm algorithm, int min, int max, int initial,
			double smoothing) {
		Limit limit = switch (algorithm) {
			case GRADIENT -> Gradient2Limit.newBuilder()
				.minLimit(min)
				.maxConcurrency(max)
				.initialLimit(initial)
				.smoothing(smoothing)
				.build();
			case VEGAS -> VegasLimit.newBuilder()
				.maxConcurrency(max)
				.initialLimit(initial)
				.smoothing(smoothing)
				.build();
			case AIMD -> AIMDLimit.newBuilder()
				.minLimit(min)
				.maxLimit(max)
				.initialLimit(initial)
				.timeout(10, TimeUnit.SECONDS)
				.build();
			case FIXED -> FixedLimit.of(max);
		};
		return new BoundedLimit(limit, min, max);
	}

	/**
	 * Ask for a slot for a request.
	 * @param path the request's path, which decides its group
	 * @return the listener to release the slot with, or empty if the request is to be shed
	 */
	Optional<Limiter.Listener> acquire(String path) {
		return this.limiter.acquire(path);
	}

	/**
	 * Why a request the limiter refused is shed.
	 * @return the reason
	 */
	ShedReason refusalReason() {
		return this.waits ? ShedReason.WAIT_TIMEOUT : ShedReason.LIMIT;
	}

	/**
	 * Count an admitted request, and note when shedding has stopped.
	 */
	void admitted() {
		this.admitted.increment();
		if (this.shedding.get()) {
			checkStopped(System.nanoTime());
		}
	}

	/**
	 * Count a shed request, and note when shedding starts.
	 * @param reason why it is shed
	 */
	void shed(ShedReason reason) {
		this.shed[reason.ordinal()].increment();
		this.shedSinceStart.increment();
		this.lastShedNanos = System.nanoTime();
		if (!this.shedding.get() && this.shedding.compareAndSet(false, true)) {
			logger.info("Overload: shedding requests (" + reason.tag() + "): concurrency limit " + getLimit()
					+ ", in flight " + getInFlight());
		}
	}

	/**
	 * Log that shedding stopped if no request was shed for the quiet period.
	 * @param now the current {@link System#nanoTime()}
	 */
	void checkStopped(long now) {
		if (now - this.lastShedNanos >= QUIET_PERIOD.toNanos() && this.shedding.compareAndSet(true, false)) {
			long count = this.shedSinceStart.sumThenReset();
			logger.info("Overload: stopped shedding after " + count + " requests shed: concurrency limit "
					+ getLimit() + ", in flight " + getInFlight());
		}
	}

	/**
	 * The concurrency limit in force.
	 * @return the limit
	 */
	public int getLimit() {
		return this.counting.getLimit();
	}

	/**
	 * The requests holding a slot now.
	 * @return the requests in flight
	 */
	public int getInFlight() {
		return this.counting.getInflight();
	}

	/**
	 * Whether requests are being shed: one was shed within the last {@link #QUIET_PERIOD}.
	 * @return whether shedding is on
	 */
	public boolean isShedding() {
		checkStopped(System.nanoTime());
		return this.shedding.get();
	}

	/**
	 * The requests admitted since the application started.
	 * @return the count
	 */
	public long getAdmitted() {
		return this.admitted.sum();
	}

	/**
	 * The requests shed for a reason since the application started.
	 * @param reason the reason
	 * @return the count
	 */
	public long getShed(ShedReason reason) {
		return this.shed[reason.ordinal()].sum();
	}

	Map<String, Double> shares() {
		return this.groups.shares();
	}

	Limit limit() {
		return this.limit;
	}

	private static final class Builder extends AbstractPartitionedLimiter.Builder<Builder, String> {

		@Override
		protected Builder self() {
			return this;
		}

	}

}
