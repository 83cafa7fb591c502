package dev.trafficguard.shutdown;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * Counts the requests that are being served, so that shutdown can tell how many it drained
 * and how many it cut off. Register it for the {@code REQUEST} dispatcher type only; an
 * asynchronous request counts until it completes.
 * <p>
 * It takes no lock and allocates nothing per request: two striped counters, and one shared
 * listener for asynchronous requests.
 */
public final class InFlightRequestFilter implements Filter {

	private final LongAdder started = new LongAdder();

	private final LongAdder completed = new LongAdder();

	private final AsyncListener asyncCompletion = new AsyncCompletion(this.completed);

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		this.started.increment();
		boolean completesLater = false;
		try {
			chain.doFilter(request, response);
			completesLater = request.isAsyncStarted() && completesLater(request);
		}
		finally {
			if (!completesLater) {
				this.completed.increment();
			}
		}
	}

	private boolean completesLater(ServletRequest request) {
		try {
			request.getAsyncContext().addListener(this.asyncCompletion);
			return true;
		}
		catch (IllegalStateException ex) {
			// Completed on another thread meanwhile
			return false;
		}
	}

	/**
	 * The number of requests being served now.
	 * @return the requests in flight
	 */
	public long inFlight() {
		// Completed first: a request that ends between the two reads is never counted as
		// less than zero.
		long done = this.completed.sum();
		return Math.max(0, this.started.sum() - done);
	}

	/**
	 * The number of requests served to the end since the application started.
	 * @return the completed requests
	 */
	public long completed() {
		return this.completed.sum();
	}

	private static final class AsyncCompletion implements AsyncListener {

		private final LongAdder completed;

		AsyncCompletion(LongAdder completed) {
			this.completed = completed;
		}

		@Override
		public void onComplete(AsyncEvent event) {
			// Also called after a timeout or an error
			this.completed.increment();
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
