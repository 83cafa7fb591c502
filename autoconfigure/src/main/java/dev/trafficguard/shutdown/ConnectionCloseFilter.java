package dev.trafficguard.shutdown;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.HttpHeaders;

/**
 * From the moment shutdown begins (SIGTERM, or any close of the application context), asks
 * every HTTP/1.1 client to close its connection after the response, with
 * {@code Connection: close}. A keep-alive client would otherwise send its next request on a
 * connection the server closes once the pre-stop delay is over, and lose it: a request sent
 * on a reused connection that is closed under it fails on the client. With the header, each
 * client opens a new connection for its next request, which the server serves during the
 * pre-stop delay or refuses once it stops accepting, so the client can go elsewhere.
 * <p>
 * The header is set before the request is served when shutdown has already begun, and, for
 * a request that was in flight when it began, by {@link ConnectionCloseAdvice} before a
 * response body is written, or here after the request if the response is not committed yet.
 * Tomcat honours the header: it closes the connection once the response is sent. Per request
 * it costs one volatile read.
 */
public final class ConnectionCloseFilter
		implements Filter, ApplicationListener<ContextClosedEvent>, ApplicationContextAware {

	private static final String CLOSE = "close";

	private volatile @Nullable ApplicationContext applicationContext;

	private volatile boolean closing;

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() == this.applicationContext) {
			this.closing = true;
		}
	}

	/**
	 * Whether shutdown has begun, so that every response asks the client to close its
	 * connection.
	 * @return whether responses carry {@code Connection: close}
	 */
	public boolean isClosing() {
		return this.closing;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (this.closing) {
			close(response);
		}
		chain.doFilter(request, response);
		if (this.closing && !response.isCommitted()) {
			close(response);
		}
	}

	private static void close(ServletResponse response) {
		if (response instanceof HttpServletResponse http) {
			http.setHeader(HttpHeaders.CONNECTION, CLOSE);
		}
	}

}
