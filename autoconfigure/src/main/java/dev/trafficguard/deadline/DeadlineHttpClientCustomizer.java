package dev.trafficguard.deadline;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.core.Ordered;

/**
 * Cuts each call of an Apache HttpClient 5 client that Spring Boot builds (the shared pool's
 * included) to the time left of the calling request's {@link Deadline}: the response timeout
 * and the wait for a pooled connection become the smaller of their own and the time left, and
 * a call with no time left is not made at all ({@link DeadlineExceededException} for the
 * {@code http-client} part, counted). Optionally the time left is sent downstream in the
 * budget header, so the next service stops when this one's caller does. A call made outside
 * a request is left as it is.
 * <p>
 * It is the first element of the execution chain, so a refused call never reaches the host's
 * circuit breaker, and redirects and retries share the one budget.
 */
final class DeadlineHttpClientCustomizer
		implements ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder>, Ordered {

	static final String PART = "http-client";

	private final DeadlineCounters counters;

	private final @Nullable String propagatedHeader;

	DeadlineHttpClientCustomizer(DeadlineCounters counters, @Nullable String propagatedHeader) {
		this.counters = counters;
		this.propagatedHeader = propagatedHeader;
	}

	/**
	 * Runs after Traffic Guard's own customizers and before the application's ordered
	 * ones.
	 * @return the order
	 */
	@Override
	public int getOrder() {
		return 10;
	}

	@Override
	public HttpComponentsClientHttpRequestFactoryBuilder customize(HttpComponentsClientHttpRequestFactoryBuilder builder) {
		return builder.withHttpClientCustomizer(
				(client) -> client.addExecInterceptorFirst("traffic-guard-deadline", new DeadlineExecHandler()));
	}

	private final class DeadlineExecHandler implements ExecChainHandler {

		@Override
		public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
				throws IOException, HttpException {
			Deadline deadline = Deadline.current();
			if (deadline == null) {
				return chain.proceed(request, scope);
			}
			long remainingNanos = deadline.remainingNanos();
			if (remainingNanos < 1_000_000) {
				DeadlineHttpClientCustomizer.this.counters.refused(PART);
				throw new DeadlineExceededException(PART);
			}
			// Rounded up, so that the timeout never fires before the deadline passed
			long remainingMillis = (remainingNanos + 999_999) / 1_000_000;
			HttpClientContext context = scope.clientContext;
			RequestConfig config = context.getRequestConfigOrDefault();
			context.setRequestConfig(RequestConfig.copy(config)
				.setResponseTimeout(shorter(config.getResponseTimeout(), remainingMillis))
				.setConnectionRequestTimeout(shorter(config.getConnectionRequestTimeout(), remainingMillis))
				.build());
			if (DeadlineHttpClientCustomizer.this.propagatedHeader != null) {
				request.setHeader(DeadlineHttpClientCustomizer.this.propagatedHeader, Long.toString(remainingMillis));
			}
			return chain.proceed(request, scope);
		}

		private static Timeout shorter(@Nullable Timeout own, long remainingMillis) {
			if (own == null || own.isDisabled() || own.toMilliseconds() > remainingMillis) {
				return Timeout.of(remainingMillis, TimeUnit.MILLISECONDS);
			}
			return own;
		}

	}

}
