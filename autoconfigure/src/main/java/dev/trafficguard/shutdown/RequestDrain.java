package dev.trafficguard.shutdown;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.trafficguard.lifecycle.ShutdownPhases;
import dev.trafficguard.lifecycle.ShutdownTimeline;
import dev.trafficguard.properties.PropertyCheck;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Records the request drain in the shutdown timeline: it {@link #begin() begins} when the
 * pre-stop delay is over, just before Spring Boot's graceful shutdown stops accepting, and
 * ends, as a {@link SmartLifecycle} in phase {@link ShutdownPhases#REQUESTS_DRAINED}, once
 * every in-flight request finished or the timeout per shutdown phase ran out. Requests still
 * running then are cut off when the web server stops right after; they are counted and
 * logged.
 */
public final class RequestDrain implements SmartLifecycle {

	/**
	 * The name of this step in the shutdown timeline.
	 */
	public static final String PHASE = "requests";

	private static final Log logger = LogFactory.getLog(RequestDrain.class);

	private final InFlightRequestFilter requests;

	private final ShutdownTimeline timeline;

	private final Duration timeout;

	private final boolean graceful;

	private final AtomicBoolean begun = new AtomicBoolean();

	private volatile long completedAtBegin;

	private volatile long drained;

	private volatile long cutOff;

	private volatile boolean running;

	/**
	 * Create a request drain.
	 * @param requests the requests being served
	 * @param timeline where to record the drain
	 * @param timeout the timeout per shutdown phase, for the log
	 * @param graceful whether the web server waits for in-flight requests
	 * ({@code server.shutdown=graceful}), for the log
	 */
	public RequestDrain(InFlightRequestFilter requests, ShutdownTimeline timeline, Duration timeout,
			boolean graceful) {
		this.requests = requests;
		this.timeline = timeline;
		this.timeout = timeout;
		this.graceful = graceful;
	}

	/**
	 * Begin the drain: the web server is about to stop accepting. Only the first call
	 * counts.
	 */
	public void begin() {
		if (this.begun.compareAndSet(false, true)) {
			this.completedAtBegin = this.requests.completed();
			this.timeline.started(PHASE);
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		begin();
		long stillRunning = this.requests.inFlight();
		this.drained = this.requests.completed() - this.completedAtBegin;
		this.cutOff = stillRunning;
		Map<String, Object> counts = new LinkedHashMap<>();
		counts.put("requests-drained", this.drained);
		counts.put("requests-cut-off", this.cutOff);
		this.timeline.ended(PHASE, counts);
		if (stillRunning > 0) {
			String when = this.graceful ? "after the shutdown timeout of " + PropertyCheck.format(this.timeout)
					: "with server.shutdown=immediate";
			logger.warn(stillRunning + ((stillRunning > 1) ? " requests" : " request") + " still running " + when
					+ ": cut off as the web server stops");
		}
		this.running = false;
	}

	/**
	 * The number of requests that finished while the drain ran.
	 * @return the requests drained, 0 before shutdown
	 */
	public long drained() {
		return this.drained;
	}

	/**
	 * The number of requests still running when the drain ended, cut off as the web server
	 * stops.
	 * @return the requests cut off, 0 before shutdown
	 */
	public long cutOff() {
		return this.cutOff;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return ShutdownPhases.REQUESTS_DRAINED;
	}

	@Override
	public boolean isPauseable() {
		return false;
	}

}
