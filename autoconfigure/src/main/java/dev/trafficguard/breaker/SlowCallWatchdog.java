package dev.trafficguard.breaker;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.beans.factory.DisposableBean;

/**
 * Records a call still running past its breaker's slow-call threshold as a slow call at
 * once, while it still runs, so that a host that accepts connections and never answers
 * opens its breaker after the threshold rather than when the calls end at their timeout.
 * resilience4j learns a call's outcome only when it is recorded, and offers no way to count
 * a call in progress: each call's outcome is recorded exactly once, either here (as a
 * success whose duration is past the threshold, which resilience4j counts as slow) or by
 * the interceptor when the call ends, whichever comes first.
 * <p>
 * One daemon thread looks at the calls in flight every tenth of the default slow-call
 * threshold (between 10 ms and 1 s). Only calls in flight are held, so the memory used is
 * bounded by the calls in flight.
 */
final class SlowCallWatchdog implements DisposableBean {

	private static final Duration MIN_INTERVAL = Duration.ofMillis(10);

	private static final Duration MAX_INTERVAL = Duration.ofSeconds(1);

	private final Set<Call> calls = ConcurrentHashMap.newKeySet();

	private final LongAdder recordedWhileRunning = new LongAdder();

	private final ScheduledExecutorService timer;

	SlowCallWatchdog(Duration slowCallThreshold) {
		Duration interval = slowCallThreshold.dividedBy(10);
		if (interval.compareTo(MIN_INTERVAL) < 0) {
			interval = MIN_INTERVAL;
		}
		else if (interval.compareTo(MAX_INTERVAL) > 0) {
			interval = MAX_INTERVAL;
		}
		this.timer = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "traffic-guard-slow-calls");
			thread.setDaemon(true);
			return thread;
		});
		this.timer.scheduleWithFixedDelay(this::recordSlowCalls, interval.toNanos(), interval.toNanos(),
				TimeUnit.NANOSECONDS);
	}

	/**
	 * Watch a call that has its breaker's permission.
	 * @param breaker the breaker
	 * @return the call, to {@linkplain Call#end() end} when it returns or fails
	 */
	Call watch(CircuitBreaker breaker) {
		Call call = new Call(breaker, System.nanoTime());
		this.calls.add(call);
		return call;
	}

	private void recordSlowCalls() {
		long now = System.nanoTime();
		for (Call call : this.calls) {
			long elapsed = now - call.start;
			long threshold = call.breaker.getCircuitBreakerConfig().getSlowCallDurationThreshold().toNanos();
			if (elapsed > threshold && call.claim()) {
				this.calls.remove(call);
				this.recordedWhileRunning.increment();
				call.breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
			}
		}
	}

	/**
	 * Calls recorded as slow while they were still running.
	 * @return the count since start
	 */
	long getRecordedWhileRunning() {
		return this.recordedWhileRunning.sum();
	}

	/**
	 * Calls watched now.
	 * @return the count
	 */
	int getWatched() {
		return this.calls.size();
	}

	@Override
	public void destroy() {
		this.timer.shutdownNow();
	}

	/**
	 * A call in flight.
	 */
	final class Call {

		private static final AtomicIntegerFieldUpdater<Call> CLAIMED = AtomicIntegerFieldUpdater
			.newUpdater(Call.class, "claimed");

		private final CircuitBreaker breaker;

		private final long start;

		private volatile int claimed;

		private Call(CircuitBreaker breaker, long start) {
			this.breaker = breaker;
			this.start = start;
		}

		private boolean claim() {
			return CLAIMED.compareAndSet(this, 0, 1);
		}

		/**
		 * End the call.
		 * @return whether its outcome is still to be recorded (the watchdog has not
		 * recorded it as slow)
		 */
		boolean end() {
			SlowCallWatchdog.this.calls.remove(this);
			return claim();
		}

		/**
		 * How long the call has run.
		 * @return the nanoseconds since it started
		 */
		long elapsedNanos() {
			return System.nanoTime() - this.start;
		}

	}

}
