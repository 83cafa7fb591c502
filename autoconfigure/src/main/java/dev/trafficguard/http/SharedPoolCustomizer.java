package dev.trafficguard.http;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.Timeout;

import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.core.Ordered;

/**
 * Customizes Spring Boot's {@link HttpComponentsClientHttpRequestFactoryBuilder} so that
 * every HTTP client it builds (for each {@code RestClient.Builder}, {@code RestTemplateBuilder}
 * and HTTP service group) uses the {@link SharedConnectionPool} instead of a pool of its own,
 * with the pool's lease and response timeouts as request defaults, the limit of calls in
 * flight per host ({@code max-calls-per-host}) and the telling of requests that never left
 * the process ({@link RequestNotSentException}). Boot's builder stays in charge of
 * everything else (redirects, cookies, observation).
 * <p>
 * A client's own read timeout ({@code spring.http.clients.read-timeout}, an HTTP service
 * group's {@code read-timeout}, {@code RestTemplateBuilder.readTimeout}) wins over the
 * pool's response timeout for that client. Boot puts it on the connection configuration of
 * the pool it builds for the client, which the shared pool replaces; it is carried over to
 * the client's request defaults, which Boot builds next on the same thread.
 */
public final class SharedPoolCustomizer
		implements ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder>, Ordered {

	private final SharedConnectionPool pool;

	private final Timeout leaseTimeout;

	private final Timeout responseTimeout;

	private final ThreadLocal<Timeout> clientReadTimeout = new ThreadLocal<>();

	/**
	 * Create a customizer for the given pool.
	 * @param pool the shared pool
	 */
	public SharedPoolCustomizer(SharedConnectionPool pool) {
		this.pool = pool;
		this.leaseTimeout = Timeout.of(pool.getSettings().leaseTimeout());
		this.responseTimeout = Timeout.of(pool.getSettings().responseTimeout());
	}

	/**
	 * Runs before the application's own customizers (unordered ones included), so that
	 * theirs win.
	 * @return the order
	 */
	@Override
	public int getOrder() {
		return 0;
	}

	@Override
	public HttpComponentsClientHttpRequestFactoryBuilder customize(HttpComponentsClientHttpRequestFactoryBuilder builder) {
		return builder.withConnectionConfigCustomizer(this::captureReadTimeout)
			.withDefaultRequestConfigCustomizer(this::applyTimeouts)
			.withHttpClientCustomizer(this::useSharedPool);
	}

	private void captureReadTimeout(ConnectionConfig.Builder builder) {
		// Boot has applied this client's settings: a socket timeout is its read timeout.
		Timeout readTimeout = builder.build().getSocketTimeout();
		if (readTimeout != null) {
			this.clientReadTimeout.set(readTimeout);
		}
		else {
			this.clientReadTimeout.remove();
		}
	}

	private void useSharedPool(HttpClientBuilder builder) {
		this.clientReadTimeout.remove();
		// Replaces the pool Boot made for this client; shared, so closing one client
		// leaves the pool to the lifecycle.
		builder.setConnectionManager(this.pool.getConnectionManager()).setConnectionManagerShared(true);
		// The bulkhead comes after the protocol stage (which refuses invalid requests) and
		// after a host's circuit breaker, which sits before it; the marker comes after the
		// bulkhead, just before the connect stage, whichever is added first.
		UnsentRequests unsentRequests = this.pool.getUnsentRequests();
		builder.addExecInterceptorFirst(UnsentRequests.NAME, unsentRequests)
			.addExecInterceptorAfter(ChainElement.PROTOCOL.name(), HostBulkhead.NAME, this.pool.getHostBulkhead())
			.addExecInterceptorBefore(ChainElement.CONNECT.name(), UnsentRequests.MARKER_NAME,
					unsentRequests.marker());
	}

	private void applyTimeouts(RequestConfig.Builder builder) {
		Timeout readTimeout = this.clientReadTimeout.get();
		this.clientReadTimeout.remove();
		builder.setConnectionRequestTimeout(this.leaseTimeout)
			.setResponseTimeout((readTimeout != null) ? readTimeout : this.responseTimeout);
	}

}
