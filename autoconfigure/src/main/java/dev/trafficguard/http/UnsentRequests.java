package dev.trafficguard.http;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;

/**
 * Tells the errors raised before a request leaves the process (a URI with a user-info part,
 * a header that breaks the protocol, ... refused by HttpClient's protocol stage) from those
 * of the downstream host. A {@linkplain #marker() marker} sits just before the connect stage
 * of the execution chain, where a connection is leased and opened: an
 * {@link IOException} or {@link HttpException} that escapes the chain before the marker was
 * reached becomes a {@link RequestNotSentException}, is counted, and is logged at
 * {@code WARN} with its cause the first time it occurs for a host and an exception type
 * (afterwards at {@code DEBUG}), so a bug of the calling code is seen once, not per request.
 */
final class UnsentRequests implements ExecChainHandler {

	static final String NAME = "traffic-guard-unsent-requests";

	static final String MARKER_NAME = "traffic-guard-request-leaves";

	static final int MAX_WARNINGS = 100;

	private static final Log logger = LogFactory.getLog(UnsentRequests.class);

	private static final String LEAVES = UnsentRequests.class.getName() + ".leaves";

	private final LongAdder unsent = new LongAdder();

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	private final ExecChainHandler marker = (request, scope, chain) -> {
		scope.clientContext.setAttribute(LEAVES, Boolean.TRUE);
		return chain.proceed(request, scope);
	};

	/**
	 * The handler to put just before the connect stage of the chain.
	 * @return the marker
	 */
	ExecChainHandler marker() {
		return this.marker;
	}

	@Override
	public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
			throws IOException, HttpException {
		try {
			return chain.proceed(request, scope);
		}
		catch (IOException | HttpException ex) {
			if (scope.clientContext.getAttribute(LEAVES) != null || ex instanceof BulkheadFullException) {
				throw ex;
			}
			throw notSent(scope.route.getTargetHost(), ex);
		}
	}

	private RequestNotSentException notSent(HttpHost host, Exception ex) {
		this.unsent.increment();
		String message = "A request to " + host.toURI() + " was not sent: " + ex.getMessage();
		String key = host.toURI() + " " + ex.getClass().getName();
		if (!this.warned.contains(key) && this.warned.size() < MAX_WARNINGS && this.warned.add(key)) {
			logger.warn(message + ". The request is invalid: this is the calling code's error, not the host's, "
					+ "and does not count against its circuit breaker. Further such errors for this host are "
					+ "logged at DEBUG and counted (traffic.guard.http-client.requests.unsent)", ex);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message, ex);
		}
		return new RequestNotSentException(message, ex);
	}

	/**
	 * Requests that failed before they left the process.
	 * @return the count since start
	 */
	long getUnsent() {
		return this.unsent.sum();
	}

}
