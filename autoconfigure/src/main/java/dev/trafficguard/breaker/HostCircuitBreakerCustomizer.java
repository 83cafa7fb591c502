package dev.trafficguard.breaker;

import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.core.Ordered;

/**
 * Customizes Spring Boot's {@link HttpComponentsClientHttpRequestFactoryBuilder} so that
 * every Apache HttpClient 5 it builds passes each call through the circuit breaker of the
 * downstream host. Using Boot's own customization point keeps this feature independent of
 * the shared pool: each works with or without the other.
 */
final class HostCircuitBreakerCustomizer
		implements ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder>, Ordered {

	private final HostCircuitBreakerInterceptor interceptor;

	HostCircuitBreakerCustomizer(HostCircuitBreakerInterceptor interceptor) {
		this.interceptor = interceptor;
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
		return builder.withHttpClientCustomizer(this::addInterceptor);
	}

	private void addInterceptor(HttpClientBuilder builder) {
		builder
			.addExecInterceptorBefore(ChainElement.PROTOCOL.name(), HostCircuitBreakerInterceptor.NAME,
					this.interceptor)
			.addExecInterceptorBefore(ChainElement.CONNECT.name(), HostCircuitBreakerInterceptor.MARKER_NAME,
					this.interceptor.marker());
	}

}
