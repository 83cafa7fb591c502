package dev.trafficguard.lifecycle;

import org.springframework.context.SmartLifecycle;

/**
 * {@link SmartLifecycle} phases of Traffic Guard's shutdown sequence. Spring stops higher
 * phases first, so the sequence runs top to bottom:
 * <ol>
 * <li>{@link #PRE_STOP_DELAY}: readiness is down, the server still serves every request
 * while load balancers stop routing;</li>
 * <li>Spring Boot's graceful web server shutdown (phase {@code Integer.MAX_VALUE - 1024}):
 * the server stops accepting and waits for in-flight requests, up to the timeout per
 * shutdown phase;</li>
 * <li>{@link #REQUESTS_DRAINED}: the requests drained or the timeout ran out; what is still
 * running is counted as cut off;</li>
 * <li>the web server stops ({@code Integer.MAX_VALUE - 2048});</li>
 * <li>{@link #EXECUTORS}: executors run everything they accepted;</li>
 * <li>{@link #HTTP_CLIENTS}: the shared HTTP client pool closes;</li>
 * <li>{@link #DATASOURCES}: the database pools drain: borrowed connections come back, idle
 * ones close. The pools themselves close when Spring destroys their beans, after every bean
 * that uses them.</li>
 * </ol>
 */
public final class ShutdownPhases {

	/**
	 * The pre-stop delay, before the web server stops accepting.
	 */
	public static final int PRE_STOP_DELAY = SmartLifecycle.DEFAULT_PHASE - 512;

	/**
	 * Requests drained, or the timeout ran out: after Spring Boot's graceful web server
	 * shutdown, before the web server stops.
	 */
	public static final int REQUESTS_DRAINED = SmartLifecycle.DEFAULT_PHASE - 1536;

	/**
	 * Executors drain, once no request can submit more work.
	 */
	public static final int EXECUTORS = SmartLifecycle.DEFAULT_PHASE - 4096;

	/**
	 * HTTP client pools close, once no task can call out.
	 */
	public static final int HTTP_CLIENTS = EXECUTORS - 1024;

	/**
	 * Database pools drain, last; they close when Spring destroys their beans.
	 */
	public static final int DATASOURCES = HTTP_CLIENTS - 1024;

	private ShutdownPhases() {
	}

}
