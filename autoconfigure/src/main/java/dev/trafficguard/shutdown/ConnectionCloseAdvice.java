package dev.trafficguard.shutdown;

import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Sets {@code Connection: close} on a response body Spring MVC is about to write once
 * shutdown has begun: a request that was already in flight when it began gets the header
 * too, although {@link ConnectionCloseFilter} saw it start before.
 */
@ControllerAdvice
public final class ConnectionCloseAdvice implements ResponseBodyAdvice<Object> {

	private final ConnectionCloseFilter connectionClose;

	/**
	 * Create the advice.
	 * @param connectionClose the filter that knows whether shutdown has begun
	 */
	public ConnectionCloseAdvice(ConnectionCloseFilter connectionClose) {
		this.connectionClose = connectionClose;
	}

	@Override
	public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
		return true;
	}

	@Override
	public @Nullable Object beforeBodyWrite(@Nullable Object body, MethodParameter returnType,
			MediaType selectedContentType, Class<? extends HttpMessageConverter<?>> selectedConverterType,
			ServerHttpRequest request, ServerHttpResponse response) {
		if (this.connectionClose.isClosing()) {
			response.getHeaders().set(HttpHeaders.CONNECTION, "close");
		}
		return body;
	}

}
