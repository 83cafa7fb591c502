package dev.trafficguard.ratelimit;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Tells which client sent a request: requests with the same key share one token bucket per
 * rule. Define one as a bean to key the rules that do not name a {@code key} of their own,
 * for example by tenant or API key:
 * <pre class="code">
 * &#64;Bean
 * ClientKeyResolver tenantKey() {
 *     return (request) -&gt; request.getHeader("X-Tenant");
 * }
 * </pre>
 * It runs on every request, so it should be cheap and must not block.
 */
@FunctionalInterface
public interface ClientKeyResolver {

	/**
	 * The key of the client that sent the request.
	 * @param request the request
	 * @return the client's key, or {@code null} to leave the request unlimited by the rule
	 */
	@Nullable String resolve(HttpServletRequest request);

}
