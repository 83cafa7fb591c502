package dev.trafficguard.overload;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import com.netflix.concurrency.limits.Limiter;
import dev.trafficguard.web.Problem;
import dev.trafficguard.web.ProblemDetailWriter;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;

/**
 * Servlet filter that admits at most the {@link RequestLimiter}'s limit of requests at once
 * and sheds the rest at once with {@code 503 Service Unavailable}, an RFC 9457 problem and
 * {@code Retry-After}, before the request reaches anything that would cost more. A request
 * that already waited too long in the server's queue is shed too ({@link QueueTimeCheck}).
 * Excluded paths (the health probes always) pass untouched.
 * <p>
 * Register it for the {@code REQUEST} dispatcher type only: an asynchronous request holds its
 * slot until it completes. An admitted request is reported to the limiter as a latency
 * sample when it ends; one the application answered with 503 or 504 as dropped, so that the
 * loss-based algorithms back off; one that failed with an exception is ignored.
 */
public final class OverloadFilter implements Filter {

	/**
	 * The filter's order: after the rate limit (order -90), so that a single client over its
	 * own limit is turned away by its bucket before it takes a slot every client shares, and
	 * before everything else the request would cost.
	 */
	public static final int ORDER = -80;

	private final RequestLimiter limiter;

	private final PathMatcher excluded;

	private final QueueTimeCheck queueTime;

	private final Problem[] problems = new Problem[ShedReason.values().length];

	private final ProblemDetailWriter writer = new ProblemDetailWriter();

	OverloadFilter(RequestLimiter limiter, PathMatcher excluded, QueueTimeCheck queueTime, Duration retryAfter) {
		this.limiter = limiter;
		this.excluded = excluded;
		this.queueTime = queueTime;
		for (ShedReason reason : ShedReason.values()) {
			this.problems[reason.ordinal()] = new Problem(HttpStatus.SERVICE_UNAVAILABLE,
					"The service is overloaded: " + reason.detail() + "; try again shortly.", retryAfter);
		}
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		HttpServletRequest httpRequest = (HttpServletRequest) request;
		String path = path(httpRequest);
		if (!this.excluded.isEmpty() && this.excluded.matches(path)) {
			chain.doFilter(request, response);
			return;
		}
		QueueTimedThread worker = QueueTimedThread.current();
		if (worker != null) {
			long queued = worker.takeQueuedNanos();
			if (queued > 0 && this.queueTime.shed(queued, worker)) {
				shed(ShedReason.QUEUE_TIME, httpRequest, (HttpServletResponse) response);
				return;
			}
		}
		Optional<Limiter.Listener> slot = this.limiter.acquire(path);
		if (slot.isEmpty()) {
			shed(this.limiter.refusalReason(), httpRequest, (HttpServletResponse) response);
			return;
		}
		this.limiter.admitted();
		serve(request, response, chain, slot.get());
	}

	private void serve(ServletRequest request, ServletResponse response, FilterChain chain, Limiter.Listener slot)
			throws IOException, ServletException {
		boolean released = false;
		try {
			chain.doFilter(request, response);
			if (request.isAsyncStarted() && releaseOnCompletion(request, slot)) {
				released = true;
				return;
			}
			release(slot, response);
			released = true;
		}
		finally {
			if (!released) {
				slot.onIgnore();
			}
		}
	}

	private static boolean releaseOnCompletion(ServletRequest request, Limiter.Listener slot) {
		try {
			request.getAsyncContext().addListener(new AsyncRelease(slot));
			return true;
		}
		catch (IllegalStateException ex) {
			// Completed on another thread meanwhile
			return false;
		}
	}

	static void release(Limiter.Listener slot, ServletResponse response) {
		int status = (response instanceof HttpServletResponse httpResponse) ? httpResponse.getStatus() : 200;
		if (status == 503 || status == 504) {
			slot.onDropped();
		}
		else {
			slot.onSuccess();
		}
	}

	private void shed(ShedReason reason, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		this.limiter.shed(reason);
		if (!response.isCommitted()) {
			this.writer.write(response, this.problems[reason.ordinal()], request.getRequestURI());
		}
	}

	/**
	 * The path within the application, decoded and normalized by the server, so that
	 * {@code /actuator/health/../../api} cannot pass for a probe.
	 */
	private static String path(HttpServletRequest request) {
		String servletPath = request.getServletPath();
		String pathInfo = request.getPathInfo();
		if (pathInfo == null) {
			return servletPath.isEmpty() ? "/" : servletPath;
		}
		return servletPath.isEmpty() ? pathInfo : servletPath + pathInfo;
	}

	RequestLimiter limiter() {
		return this.limiter;
	}

	private static final class AsyncRelease implements AsyncListener {

		private final Limiter.Listener slot;

		AsyncRelease(Limiter.Listener slot) {
			this.slot = slot;
		}

		@Override
		public void onComplete(AsyncEvent event) {
			// Also called after a timeout or an error
			release(this.slot, event.getSuppliedResponse());
		}

		@Override
		public void onTimeout(AsyncEvent event) {
		}

		@Override
		public void onError(AsyncEvent event) {
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
			// A new asynchronous cycle of the same request replaces the listeners
			event.getAsyncContext().addListener(this);
		}

	}

}
