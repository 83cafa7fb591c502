package dev.trafficguard.ratelimit;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import dev.trafficguard.ratelimit.RateLimitProperties.FailureMode;
import dev.trafficguard.web.Problem;
import dev.trafficguard.web.ProblemDetailWriter;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * Servlet filter that limits every client to the token bucket of the first rule its
 * request matches. A client over its limit is answered {@code 429 Too Many Requests} with
 * an RFC 9457 problem, {@code Retry-After} and the IETF {@code RateLimit-Policy} and
 * {@code RateLimit} headers (draft-ietf-httpapi-ratelimit-headers); allowed responses carry
 * those headers too unless switched off.
 * <p>
 * The decision takes no lock shared by all clients, writes no log, and allocates nothing
 * beyond what bucket4j needs for the common path shapes ({@code /**}, exact paths and
 * {@code /prefix/**}) and the {@code RateLimit} header's value. Register it for the
 * {@code REQUEST} dispatcher type only, so that it decides once per request: it is not a
 * {@code OncePerRequestFilter}, which would build its marker attribute's name and set and
 * remove the attribute on every request to find out what the dispatcher type tells.
 */
public final class RateLimitFilter implements Filter {

	/**
	 * The filter's order: right after Spring Security's filter chain (order -100), so that
	 * the {@code principal} key sees the authenticated user, and before everything else
	 * the request would cost.
	 */
	public static final int ORDER = -90;

	static final String RATE_LIMIT_POLICY = "RateLimit-Policy";

	static final String RATE_LIMIT = "RateLimit";

	private static final Duration BACKEND_UNAVAILABLE_RETRY = Duration.ofSeconds(1);

	private final RateLimitRule[] rules;

	private final RequestPathMatcher excluded;

	private final RateLimitBackend backend;

	private final FailureMode failureMode;

	private final boolean headersOnAllowed;

	private final ProblemDetailWriter writer = new ProblemDetailWriter();

	RateLimitFilter(List<RateLimitRule> rules, RequestPathMatcher excluded, RateLimitBackend backend,
			FailureMode failureMode, boolean headersOnAllowed) {
		this.rules = rules.toArray(RateLimitRule[]::new);
		this.excluded = excluded;
		this.backend = backend;
		this.failureMode = failureMode;
		this.headersOnAllowed = headersOnAllowed;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (this.rules.length == 0 || !(request instanceof HttpServletRequest httpRequest)
				|| !(response instanceof HttpServletResponse httpResponse) || decide(httpRequest, httpResponse)) {
			chain.doFilter(request, response);
		}
	}

	/**
	 * Decide on a request, answering it if it may not proceed.
	 * @return whether the request may proceed
	 */
	private boolean decide(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String path = path(request);
		if (!this.excluded.isEmpty() && this.excluded.matches(path)) {
			return true;
		}
		RateLimitRule rule = match(request, path);
		if (rule == null) {
			return true;
		}
		String key = rule.resolveKey(request);
		if (key == null) {
			return true;
		}
		if (key == ClientKeys.TOO_LONG) {
			rule.invalidKey.increment();
			if (!response.isCommitted()) {
				this.writer.write(response, Problem.of(HttpStatus.BAD_REQUEST, rule.invalidKeyDetail()),
						request.getRequestURI());
			}
			return false;
		}
		ConsumptionProbe probe = this.backend.tryConsume(rule, key);
		if (probe == null) {
			return backendUnavailable(rule, request, response);
		}
		if (probe.isConsumed()) {
			rule.allowed.increment();
			if (this.headersOnAllowed) {
				response.setHeader(RATE_LIMIT_POLICY, rule.policyHeader());
				response.setHeader(RATE_LIMIT, rule.rateLimitHeader(probe.getRemainingTokens(),
						probe.getNanosToWaitForReset()));
			}
			return true;
		}
		rule.limited.increment();
		reject(rule, probe, request, response);
		return false;
	}

	private @Nullable RateLimitRule match(HttpServletRequest request, String path) {
		for (RateLimitRule rule : this.rules) {
			if (rule.matches(request, path)) {
				return rule;
			}
		}
		return null;
	}

	private boolean backendUnavailable(RateLimitRule rule, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		// The actuator's rule fails open whatever the mode: a limiter outage must not blind
		// the monitoring that would show it
		if (this.failureMode == FailureMode.OPEN || RateLimitProperties.ACTUATOR_RULE.equals(rule.name())) {
			rule.failOpen.increment();
			return true;
		}
		rule.failClosed.increment();
		if (!response.isCommitted()) {
			this.writer.write(response, new Problem(HttpStatus.SERVICE_UNAVAILABLE,
					"The rate limiter cannot decide on this request now; try again shortly.",
					BACKEND_UNAVAILABLE_RETRY), request.getRequestURI());
		}
		return false;
	}

	private void reject(RateLimitRule rule, ConsumptionProbe probe, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		Problem problem = new Problem(HttpStatus.TOO_MANY_REQUESTS, rule.rejectionDetail(),
				Duration.ofNanos(probe.getNanosToWaitForRefill()));
		response.setHeader(RATE_LIMIT_POLICY, rule.policyHeader());
		// The same whole seconds as Retry-After.
		response.setHeader(RATE_LIMIT, rule.rateLimitHeaderSeconds(0, problem.retryAfterSeconds()));
		this.writer.write(response, problem, request.getRequestURI());
	}

	/**
	 * The path within the application, decoded and normalized by the server, so that
	 * {@code /actuator/../api} cannot pass for an excluded path.
	 */
	private static String path(HttpServletRequest request) {
		String servletPath = request.getServletPath();
		String pathInfo = request.getPathInfo();
		if (pathInfo == null) {
			return servletPath.isEmpty() ? "/" : servletPath;
		}
		return servletPath.isEmpty() ? pathInfo : servletPath + pathInfo;
	}

	RateLimitRule[] rules() {
		return this.rules;
	}

	RateLimitBackend backend() {
		return this.backend;
	}

}
