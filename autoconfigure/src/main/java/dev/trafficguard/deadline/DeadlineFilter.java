package dev.trafficguard.deadline;

import java.io.IOException;

import dev.trafficguard.web.ClientAddressResolver;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Gives every request its {@link Deadline} for as long as the filter chain runs on the
 * request's thread, and removes it afterwards. The budget is the first matching rule's (or
 * the default); a budget the caller sent in the configured header is honoured only from a
 * trusted proxy and only when shorter. A header value that is not a positive whole number of
 * milliseconds is ignored: the local budget applies and the request goes on, never a 500.
 */
public final class DeadlineFilter implements Filter {

	/**
	 * The filter's order: after the rate limiter (-90) and the overload filter (-80), so a
	 * refused or shed request costs nothing here, and before everything that does work for
	 * the request. The budget starts when the request is admitted.
	 */
	public static final int ORDER = -70;

	/**
	 * Most digits read from the header: more is not a budget anyone means (over 115 days).
	 */
	private static final int MAX_DIGITS = 10;

	private final DeadlineRules rules;

	private final DeadlineCounters counters;

	private final @Nullable String headerName;

	private final @Nullable ClientAddressResolver trustedProxies;

	DeadlineFilter(DeadlineRules rules, DeadlineCounters counters, @Nullable String headerName,
			@Nullable ClientAddressResolver trustedProxies) {
		this.rules = rules;
		this.counters = counters;
		this.headerName = headerName;
		this.trustedProxies = trustedProxies;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (!(request instanceof HttpServletRequest http)) {
			chain.doFilter(request, response);
			return;
		}
		long budget = this.rules.budgetNanos(path(http));
		if (this.headerName != null) {
			budget = applyHeader(http, budget);
		}
		try (Deadline.Scope scope = Deadline.afterNanos(budget).enter()) {
			chain.doFilter(request, response);
		}
	}

	private long applyHeader(HttpServletRequest request, long localBudget) {
		String value = request.getHeader(this.headerName);
		if (value == null) {
			return localBudget;
		}
		if (this.trustedProxies == null || !this.trustedProxies.isFromTrustedProxy(request)) {
			this.counters.headerUntrusted.increment();
			return localBudget;
		}
		long millis = parseMillis(value);
		if (millis <= 0) {
			this.counters.headerInvalid.increment();
			return localBudget;
		}
		this.counters.headerHonoured.increment();
		return Math.min(localBudget, millis * 1_000_000);
	}

	/**
	 * A positive whole number of milliseconds, or -1 for anything else (empty, signed,
	 * fractional, too long, zero).
	 */
	static long parseMillis(String value) {
		int length = value.length();
		if (length == 0 || length > MAX_DIGITS) {
			return -1;
		}
		long millis = 0;
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			millis = millis * 10 + (c - '0');
		}
		return (millis > 0) ? millis : -1;
	}

	/**
	 * The path within the application, decoded and normalized by the server.
	 */
	private static String path(HttpServletRequest request) {
		String servletPath = request.getServletPath();
		String pathInfo = request.getPathInfo();
		if (pathInfo == null) {
			return servletPath.isEmpty() ? "/" : servletPath;
		}
		return servletPath.isEmpty() ? pathInfo : servletPath + pathInfo;
	}

}
