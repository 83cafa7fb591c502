package dev.trafficguard.shutdown;

import java.time.Duration;
import java.util.Map;

import dev.trafficguard.lifecycle.ShutdownPhases;
import dev.trafficguard.lifecycle.ShutdownTimeline;

import org.springframework.context.SmartLifecycle;

/**
 * The first step of shutdown. Spring Boot has already reported readiness
 * {@code REFUSING_TRAFFIC} when the context started to close; this keeps the web server
 * serving every request, new ones included, for the pre-stop delay, so that load balancers
 * stop routing to the instance before it stops accepting. It lasts at least the
 * connection-close notice, during which every response already tells its client to close
 * the connection. Then the request drain begins.
 */
public final class PreStopDelay implements SmartLifecycle {

	/**
	 * The name of this step in the shutdown timeline.
	 */
	public static final String PHASE = "pre-stop-delay";

	private final Duration delay;

	private final Duration connectionCloseNotice;

	private final InFlightRequestFilter requests;

	private final RequestDrain requestDrain;

	private final ShutdownTimeline timeline;

	private volatile boolean running;

	/**
	 * Create a pre-stop delay.
	 * @param delay how long to keep serving with readiness down
	 * @param requests the requests being served
	 * @param requestDrain the drain that begins once the delay is over
	 * @param timeline where to record the delay
	 */
	public PreStopDelay(Duration delay, InFlightRequestFilter requests, RequestDrain requestDrain,
			ShutdownTimeline timeline) {
		this(delay, Duration.ZERO, requests, requestDrain, timeline);
	}

	/**
	 * Create a pre-stop delay that serves at least as long as the connection-close notice.
	 * @param delay how long to keep serving with readiness down
	 * @param connectionCloseNotice how long to keep serving at least, with every response
	 * asking its client to close the connection, also when the delay is shorter
	 * @param requests the requests being served
	 * @param requestDrain the drain that begins once the delay is over
	 * @param timeline where to record the delay
	 */
	public PreStopDelay(Duration delay, Duration connectionCloseNotice, InFlightRequestFilter requests,
			RequestDrain requestDrain, ShutdownTimeline timeline) {
		this.delay = delay;
		this.connectionCloseNotice = connectionCloseNotice;
		this.requests = requests;
		this.requestDrain = requestDrain;
		this.timeline = timeline;
	}

	/**
	 * The delay.
	 * @return how long the server keeps serving with readiness down
	 */
	public Duration getDelay() {
		return this.delay;
	}

	/**
	 * The connection-close notice.
	 * @return how long the server keeps serving at least, telling clients to close
	 */
	public Duration getConnectionCloseNotice() {
		return this.connectionCloseNotice;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		long completedBefore = this.requests.completed();
		this.timeline.started(PHASE);
		try {
			// Blocks the closing thread on purpose: the next phase, the web server's graceful
			// shutdown, must not begin before the delay is over. Bounded by the property's
			// startup check, not by the timeout per shutdown phase.
			Thread.sleep(Math.max(this.delay.toMillis(), this.connectionCloseNotice.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.timeline.ended(PHASE, Map.of("requests-served", this.requests.completed() - completedBefore));
			this.running = false;
			this.requestDrain.begin();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return ShutdownPhases.PRE_STOP_DELAY;
	}

	@Override
	public boolean isPauseable() {
		return false;
	}

}
