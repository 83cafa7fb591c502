package dev.trafficguard.targets;

import java.io.IOException;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.web.servlet.HandlerMapping;

/**
 * Times the server's requests into {@link RequestTimings}, by the URI pattern Spring MVC
 * matched ({@code NOT_FOUND} for a 404 that no handler of its own answered, {@code UNKNOWN}
 * when nothing matched), leaving out the
 * actuator's paths. Register it for the {@code REQUEST} dispatcher type only; an asynchronous
 * request is timed until it completes.
 * <p>
 * Per request it reads the clock twice and increments two counters; it takes no lock and
 * allocates nothing, except a start time kept on an asynchronous request.
 */
public final class RequestTimingFilter implements Filter {

	static final String NOT_FOUND = "NOT_FOUND";

	static final String UNKNOWN = "UNKNOWN";

	// A compile-time constant: this class does not need Spring MVC to load
	private static final String PATTERN_ATTRIBUTE = HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE;

	private static final String RESOURCES = "/**";

	private static final String START_ATTRIBUTE = RequestTimingFilter.class.getName() + ".start";

	private final RequestTimings timings;

	private final @Nullable String excludedPath;

	private final AsyncListener asyncCompletion = new AsyncCompletion();

	/**
	 * Create a filter.
	 * @param timings where to record
	 * @param excludedPath the path under which requests are not timed (the actuator's base
	 * path, such as {@code /actuator}), or {@code null}
	 */
	public RequestTimingFilter(RequestTimings timings, @Nullable String excludedPath) {
		this.timings = timings;
		this.excludedPath = excludedPath;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (!(request instanceof HttpServletRequest httpRequest) || isExcluded(httpRequest)) {
			chain.doFilter(request, response);
			return;
		}
		long start = System.nanoTime();
		boolean completesLater = false;
		try {
			chain.doFilter(request, response);
			completesLater = request.isAsyncStarted() && completesLater(request, start);
		}
		finally {
			if (!completesLater) {
				record(httpRequest, response, start);
			}
		}
	}

	private boolean isExcluded(HttpServletRequest request) {
		String excluded = this.excludedPath;
		if (excluded == null) {
			return false;
		}
		String uri = request.getRequestURI();
		int offset = request.getContextPath().length();
		if (!uri.startsWith(excluded, offset)) {
			return false;
		}
		int end = offset + excluded.length();
		return uri.length() == end || uri.charAt(end) == '/';
	}

	private boolean completesLater(ServletRequest request, long start) {
		try {
			request.setAttribute(START_ATTRIBUTE, start);
			request.getAsyncContext().addListener(this.asyncCompletion);
			return true;
		}
		catch (IllegalStateException ex) {
			// Completed on another thread meanwhile
			return false;
		}
	}

	private void record(ServletRequest request, ServletResponse response, long start) {
		long now = System.nanoTime();
		this.timings.record(uri(request, response), now - start, now);
	}

	private static String uri(ServletRequest request, ServletResponse response) {
		Object attribute = request.getAttribute(PATTERN_ATTRIBUTE);
		String pattern = (attribute != null) ? attribute.toString() : null;
		if (pattern != null && !RESOURCES.equals(pattern)) {
			return pattern;
		}
		if (response instanceof HttpServletResponse httpResponse
				&& httpResponse.getStatus() == HttpServletResponse.SC_NOT_FOUND) {
			// Unmatched paths end in the static resource handler's catch-all pattern
			return NOT_FOUND;
		}
		return (pattern != null) ? pattern : UNKNOWN;
	}

	private final class AsyncCompletion implements AsyncListener {

		@Override
		public void onComplete(AsyncEvent event) {
			// Also called after a timeout or an error
			ServletRequest request = event.getSuppliedRequest();
			if (request.getAttribute(START_ATTRIBUTE) instanceof Long start) {
				record(request, event.getSuppliedResponse(), start);
			}
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
