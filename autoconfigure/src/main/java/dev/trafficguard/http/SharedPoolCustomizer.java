package dev.trafficguard.http;

import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.Timeout;

import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;

/**
 * Customizes Spring Boot's {@link HttpComponentsClientHttpRequestFactoryBuilder} so that
 * every HTTP client it builds (for each {@code RestClient.Builder}, {@code RestTemplateBuilder}
 * and HTTP service group) uses the {@link SharedConnectionPool} instead of a pool of its own,
 * with the pool's lease and response timeouts as request defaults. Boot's builder stays in
 * charge of everything else (redirects, cookies, observation).
 */
public final class SharedPoolCustomizer
		implements ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder> {

	private final SharedConnectionPool pool;

	private final Timeout leaseTimeout;

	private final Timeout responseTimeout;

	/**
	 * Create a customizer for the given pool.
	 * @param pool the shared pool
	 */
	public SharedPoolCustomizer(SharedConnectionPool pool) {
		this.pool = pool;
		this.leaseTimeout = Timeout.of(pool.getSettings().leaseTimeout());
		this.responseTimeout = Timeout.of(pool.getSettings().responseTimeout());
	}

	@Override
	public HttpComponentsClientHttpRequestFactoryBuilder customize(HttpComponentsClientHttpRequestFactoryBuilder builder) {
		return builder.withHttpClientCustomizer(this::useSharedPool)
			.withDefaultRequestConfigCustomizer(this::applyTimeouts);
	}

	private void useSharedPool(HttpClientBuilder builder) {
		// Replaces the pool Boot made for this client; shared, so closing one client
		// leaves the pool to the lifecycle.
		builder.setConnectionManager(this.pool.getConnectionManager()).setConnectionManagerShared(true);
	}

	private void applyTimeouts(RequestConfig.Builder builder) {
		builder.setConnectionRequestTimeout(this.leaseTimeout).setResponseTimeout(this.responseTimeout);
	}

}
